// setThreads / threadBudget, and `limits`: each number the addon refuses to go past, read from the constant that
// the native code itself checks, so TypeScript never copies one.
#include "settings.h"

#include <cmath>
#include <string>

#include "errors.h"
#include "face/align.h"
#include "face/decode.h"
#include "face/detect.h"
#include "face/threads.h"

namespace face {
namespace {

// setThreads(n): the thread budget of face/threads.h, process-wide.
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    double n = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : NAN;
    if (!(n >= 1 && n <= max_thread_budget) || n != std::floor(n))
      throw invalid_argument("Expected a thread count from 1 to " + std::to_string(max_thread_budget));
    set_thread_budget(int(n));
    return info.Env().Undefined();
  });
}

// threadBudget(): the budget last set, or the machine's hardware threads before any setThreads().
Napi::Value ThreadBudget(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(thread_budget())); }

Napi::Object limits(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("maxThreads", double(max_thread_budget));
  o.Set("maxUpsample", double(max_upsample));
  o.Set("minCnnFace", min_cnn_face);
  o.Set("defaultCnnMinFace", default_cnn_min_face);
  o.Set("maxDetectPixels", max_detect_pixels);
  o.Set("maxImageSide", double(max_image_side));
  o.Set("chipSize", double(chip_size));
  o.Set("minChipSize", double(min_chip_size));
  o.Set("maxChipSize", double(max_chip_size));
  o.Set("chipPadding", chip_padding);
  o.Set("maxChipPadding", max_chip_padding);
  o.Freeze();
  return o;
}

}  // namespace

void register_settings(Napi::Env env, Napi::Object exports) {
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("threadBudget", Napi::Function::New(env, ThreadBudget, "threadBudget"));
  exports.Set("limits", limits(env));
}

}  // namespace face
