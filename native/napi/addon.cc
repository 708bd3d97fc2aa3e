// Entry point of the native face core: creates the per-environment state and registers the exports, nothing else.
#include <napi.h>

#include "errors.h"
#include "face_index_binding.h"
#include "kernels_binding.h"
#include "settings.h"
#include "stages.h"
#include "video_binding.h"

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new face::addon_data());
  face::register_errors(env, exports);
  face::register_settings(env, exports);
  face::register_stages(env, exports);
  face::register_face_index(env, exports);
  face::register_video(env, exports);
  face::register_kernels(env, exports);
  return exports;
}

NODE_API_MODULE(face_core, Init)
