// setErrorClass and the construction of every error the addon throws or rejects with.
#include "errors.h"

namespace face {

Napi::Error make_error(Napi::Env env, const std::string& code, const std::string& message) {
  auto* data = env.GetInstanceData<addon_data>();
  if (data && !data->error_class.IsEmpty()) {
    try {
      return Napi::Error(env, data->error_class.New({Napi::String::New(env, code), Napi::String::New(env, message)}));
    } catch (const Napi::Error&) {
      // The class itself threw: fall back to a plain Error rather than lose the original failure.
    }
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

namespace {

// setErrorClass(ctor): every later error is `new ctor(code, message)`.
Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (!info[0].IsFunction()) throw invalid_argument("Expected an error class (a constructor)");
    auto* data = info.Env().GetInstanceData<addon_data>();
    data->error_class = Napi::Persistent(info[0].As<Napi::Function>());
    return info.Env().Undefined();
  });
}

}  // namespace

void register_errors(Napi::Env env, Napi::Object exports) {
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
}

}  // namespace face
