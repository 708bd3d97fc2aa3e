// The JS-facing functions, one per pipeline stage, each returning a promise (info and release are synchronous),
// plus loadModels/releaseModels/releaseDetectors.
#pragma once
#include <napi.h>

namespace face {

void register_stages(Napi::Env env, Napi::Object exports);

}  // namespace face
