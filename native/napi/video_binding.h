// JavaScript entry points for video: recognizeVideo (a cancellable job with progress events),
// annotateVideo, and testing.VideoWriter used to build test clips.
#pragma once
#include <napi.h>

namespace face {

void register_video(Napi::Env env, Napi::Object exports);

}  // namespace face
