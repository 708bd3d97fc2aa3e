// How the addon's errors reach JavaScript: each one is `new ErrorClass(code, message)`, with the class that
// setErrorClass() registered (the TypeScript layer's FaceCoreError), the way better-sqlite3 builds SqliteError.
#pragma once
#include <napi.h>

#include <new>
#include <string>

#include "face/errors.h"

namespace face {

// The addon's state for one Node environment (the main thread or a worker thread), kept as its instance data.
struct addon_data {
  Napi::FunctionReference error_class;  // empty until setErrorClass()
};

// ensures: new ErrorClass(code, message); before setErrorClass() (or if the class throws), an Error with .code.
Napi::Error make_error(Napi::Env env, const std::string& code, const std::string& message);

// Runs the main-thread part of an exported function: a face_error thrown while reading arguments becomes an
// error of the registered class with its code, and running out of memory becomes INTERNAL.
template <typename F> Napi::Value guarded(const Napi::CallbackInfo& info, F body) {
  try {
    return body();
  } catch (const face_error& e) { throw make_error(info.Env(), e.code, e.what()); } catch (const std::bad_alloc&) {
    throw make_error(info.Env(), "INTERNAL", "Out of memory.");
  }
}

// Exports setErrorClass(ctor).
void register_errors(Napi::Env env, Napi::Object exports);

}  // namespace face
