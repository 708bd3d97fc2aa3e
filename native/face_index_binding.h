// The FaceIndex JavaScript class over face_index.
#pragma once
#include <napi.h>

namespace face {

void register_face_index(Napi::Env env, Napi::Object exports);

}  // namespace face
