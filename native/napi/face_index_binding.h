// The FaceIndex JavaScript class over face/face_index.h; its errors come from the registered error class.
#pragma once
#include <napi.h>

namespace face {

void register_face_index(Napi::Env env, Napi::Object exports);

}  // namespace face
