// Copies between JS values and the plain C++ data the stages use. Runs on the main thread only.
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "decode.h"
#include "detect.h"
#include "encode.h"
#include "models.h"

namespace face {

// An image as the caller gave it: encoded bytes (decoded in the worker) or raw RGB pixels.
struct image_input {
  std::vector<uint8_t> encoded;
  rgb_image pixels;
  bool is_encoded = true;
  uint64_t max_pixels = 40000000;

  // Runs in the worker: decodes when needed. info is filled for encoded input.
  rgb_image materialize(image_info* info = nullptr) const;
};

image_input to_image_input(const Napi::Value& value, const Napi::Value& max_pixels);
rgb_image to_rgb_image(const Napi::Value& value);  // {width, height, pixels: Buffer of w*h*3}
std::vector<dlib::rectangle> to_rectangles(const Napi::Value& value);
dlib::full_object_detection to_shape(const Napi::Value& points);
detect_options to_detect_options(const Napi::Object& options);

double number_or(const Napi::Object& options, const char* key, double fallback);

// The JS handle of a loaded model set: an External owning a slot that release_models_handle() empties.
struct model_slot {
  std::mutex mutex;
  std::shared_ptr<const model_set> models;
};
Napi::Value new_models_handle(Napi::Env env, std::shared_ptr<const model_set> models);
void release_models_handle(const Napi::Value& handle);
// throws FaceError INVALID_ARGUMENT for a value that is not a handle, MODEL_NOT_FOUND for a released one.
std::shared_ptr<const model_set> to_models(const Napi::Value& handle);

Napi::Object from_rgb_image(Napi::Env env, const rgb_image& image);
Napi::Object from_rectangle(Napi::Env env, const dlib::rectangle& rect);
Napi::Array from_shape(Napi::Env env, const dlib::full_object_detection& shape);
Napi::Float32Array from_encodings(Napi::Env env, const std::vector<encoding>& encodings);

}  // namespace face
