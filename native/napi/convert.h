// Copies between JS values and the plain C++ data of face/ (images, boxes, landmarks, model handles, encodings).
// Runs on the main thread only; a wrong JS value becomes INVALID_ARGUMENT, never a crash.
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "face/decode.h"
#include "face/detect.h"
#include "face/encode.h"
#include "face/models.h"

namespace face {

// requires: max_pixels a positive number (there is no default: the caller always passes it).
image_input to_image_input(const Napi::Value& value, const Napi::Value& max_pixels);
uint64_t to_max_pixels(const Napi::Value& max_pixels);
rgb_image to_rgb_image(const Napi::Value& value);  // {width, height, pixels: Buffer of w*h*3}
std::vector<dlib::rectangle> to_rectangles(const Napi::Value& value);
dlib::full_object_detection to_shape(const Napi::Value& points);
// requires: upsample, minFaceSize and adjustThreshold all present (ranges are checked in TypeScript).
// detector: 'hog' (also when left out) or 'cnn'; for the CNN, options.models is the handle whose detector runs
// (Detect needs it; Analyze takes the detector from its own models argument).
detect_options to_detect_options(const Napi::Object& options);
detector_kind to_detector(const Napi::Value& value);

// A number the options object may leave out (NaN refused).
double number_or(const Napi::Object& options, const char* key, double fallback);
// A finite number the options object must hold: TypeScript resolves every option before calling.
double required_number(const Napi::Object& options, const char* key);
// A required integer from min to max: bounds that keep casts defined and memory in check, not option ranges.
long required_integer(const Napi::Object& options, const char* key, double min, double max);
// A required number from min to max, for the same purpose.
double required_number(const Napi::Object& options, const char* key, double min, double max);

// The JS handle of a loaded model set: an External owning a slot that release_models_handle() empties.
struct model_slot {
  std::mutex mutex;
  std::shared_ptr<const model_set> models;
};
Napi::Value new_models_handle(Napi::Env env, std::shared_ptr<const model_set> models);
void release_models_handle(const Napi::Value& handle);
// throws face_error INVALID_ARGUMENT for a value that is not a handle, MODEL_NOT_FOUND for a released one.
std::shared_ptr<const model_set> to_models(const Napi::Value& handle);

Napi::Object from_rgb_image(Napi::Env env, const rgb_image& image);
Napi::Object from_rectangle(Napi::Env env, const dlib::rectangle& rect);
Napi::Array from_shape(Napi::Env env, const dlib::full_object_detection& shape);
Napi::Float32Array from_encodings(Napi::Env env, const std::vector<encoding>& encodings);

}  // namespace face
