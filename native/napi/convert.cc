// JS <-> C++ conversions with type checks: a wrong JS value becomes INVALID_ARGUMENT, never a crash.
#include "convert.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "face/errors.h"

namespace face {

namespace {
// Tags the Externals this addon creates, so a foreign External is refused instead of misread.
const napi_type_tag models_tag = {0x6d6f64656c736574ULL, 0x66616365636f7265ULL};
}  // namespace

Napi::Value new_models_handle(Napi::Env env, std::shared_ptr<const model_set> models) {
  auto* slot = new model_slot();
  slot->models = std::move(models);
  auto handle = Napi::External<model_slot>::New(env, slot, [](Napi::Env, model_slot* s) { delete s; });
  handle.TypeTag(&models_tag);
  return handle;
}

static model_slot* slot_of(const Napi::Value& handle) {
  if (!handle.IsExternal() || !handle.As<Napi::External<model_slot>>().CheckTypeTag(&models_tag))
    throw invalid_argument("Expected a models handle from loadModels()");
  return handle.As<Napi::External<model_slot>>().Data();
}

void release_models_handle(const Napi::Value& handle) {
  model_slot* slot = slot_of(handle);
  std::lock_guard<std::mutex> lock(slot->mutex);
  slot->models.reset();
}

std::shared_ptr<const model_set> to_models(const Napi::Value& handle) {
  model_slot* slot = slot_of(handle);
  std::lock_guard<std::mutex> lock(slot->mutex);
  if (!slot->models) throw face_error("MODEL_NOT_FOUND", "These face models were released; load them again.");
  return slot->models;
}

double number_or(const Napi::Object& options, const char* key, double fallback) {
  Napi::Value v = options.Get(key);
  if (v.IsUndefined() || v.IsNull()) return fallback;
  if (!v.IsNumber()) throw invalid_argument(std::string("Expected a number for ") + key);
  double d = v.As<Napi::Number>().DoubleValue();
  if (std::isnan(d)) throw invalid_argument(std::string("Expected a number for ") + key + " but received NaN");
  return d;
}

double required_number(const Napi::Object& options, const char* key) {
  Napi::Value v = options.Get(key);
  if (!v.IsNumber()) throw invalid_argument(std::string("Expected a number for ") + key);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throw invalid_argument(std::string("Expected a finite number for ") + key);
  return d;
}

long required_integer(const Napi::Object& options, const char* key, double min, double max) {
  double d = required_number(options, key);
  if (!(d >= min && d <= max) || d != std::floor(d))
    throw invalid_argument(std::string("Expected an integer from ") + std::to_string(long(min)) + " to " + std::to_string(long(max)) +
                           " for " + key);
  return long(d);
}

double required_number(const Napi::Object& options, const char* key, double min, double max) {
  double d = required_number(options, key);
  if (!(d >= min && d <= max)) {
    char range[64];
    std::snprintf(range, sizeof range, "%g to %g", min, max);
    throw invalid_argument(std::string("Expected a number from ") + range + " for " + key);
  }
  return d;
}

rgb_image to_rgb_image(const Napi::Value& value) {
  if (!value.IsObject()) throw invalid_argument("Expected an image: a Buffer of encoded bytes or {width, height, pixels}");
  Napi::Object o = value.As<Napi::Object>();
  Napi::Value w = o.Get("width"), h = o.Get("height"), p = o.Get("pixels");
  if (!w.IsNumber() || !h.IsNumber() || !p.IsBuffer()) throw invalid_argument("Expected raw pixels as {width, height, pixels: Buffer}");
  double width = w.As<Napi::Number>().DoubleValue(), height = h.As<Napi::Number>().DoubleValue();
  if (!(width >= 1 && height >= 1 && width <= max_image_side && height <= max_image_side) || width != std::floor(width) ||
      height != std::floor(height))
    throw invalid_argument("Expected integer width and height between 1 and " + std::to_string(max_image_side));
  auto buffer = p.As<Napi::Buffer<uint8_t>>();
  if (buffer.Length() != size_t(width) * size_t(height) * 3)
    throw invalid_argument("Expected pixels of width*height*3 bytes (RGB) but received " + std::to_string(buffer.Length()) + " bytes");
  rgb_image image(static_cast<long>(height), static_cast<long>(width));
  std::memcpy(dlib::image_data(image), buffer.Data(), buffer.Length());
  return image;
}

uint64_t to_max_pixels(const Napi::Value& max_pixels) {
  double m = max_pixels.IsNumber() ? max_pixels.As<Napi::Number>().DoubleValue() : NAN;
  if (!(m >= 1)) throw invalid_argument("Expected a positive maxPixels");
  return m > 1e15 ? uint64_t(1e15) : uint64_t(m);
}

image_input to_image_input(const Napi::Value& value, const Napi::Value& max_pixels) {
  image_input input;
  input.max_pixels = to_max_pixels(max_pixels);
  if (value.IsBuffer()) {
    auto buffer = value.As<Napi::Buffer<uint8_t>>();
    input.encoded.assign(buffer.Data(), buffer.Data() + buffer.Length());
    return input;
  }
  input.is_encoded = false;
  input.pixels = to_rgb_image(value);
  return input;
}

std::vector<dlib::rectangle> to_rectangles(const Napi::Value& value) {
  if (!value.IsArray()) throw invalid_argument("Expected an array of boxes {x, y, width, height}");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<dlib::rectangle> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsObject()) throw invalid_argument("Expected a box {x, y, width, height}");
    Napi::Object b = item.As<Napi::Object>();
    double x = number_or(b, "x", NAN), y = number_or(b, "y", NAN), w = number_or(b, "width", NAN), h = number_or(b, "height", NAN);
    if (!std::isfinite(x) || !std::isfinite(y) || !(w >= 1) || !(h >= 1) || std::fabs(x) > 1e6 || std::fabs(y) > 1e6 || w > 1e6 || h > 1e6)
      throw invalid_argument("Expected a box with finite x, y and positive width, height");
    long left = std::lround(x), top = std::lround(y);
    out.emplace_back(left, top, left + std::lround(w) - 1, top + std::lround(h) - 1);
  }
  return out;
}

dlib::full_object_detection to_shape(const Napi::Value& value) {
  if (!value.IsArray()) throw invalid_argument("Expected landmarks as an array of {x, y} points");
  Napi::Array array = value.As<Napi::Array>();
  if (array.Length() != 68 && array.Length() != 5)
    throw invalid_argument("Expected 68 or 5 landmark points but received " + std::to_string(array.Length()));
  std::vector<dlib::point> parts;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsObject()) throw invalid_argument("Expected a landmark point {x, y}");
    double x = number_or(item.As<Napi::Object>(), "x", NAN), y = number_or(item.As<Napi::Object>(), "y", NAN);
    if (!std::isfinite(x) || !std::isfinite(y) || std::fabs(x) > 1e6 || std::fabs(y) > 1e6)
      throw invalid_argument("Expected finite landmark coordinates");
    parts.emplace_back(std::lround(x), std::lround(y));
  }
  dlib::rectangle box;
  for (const auto& p : parts) box += p;
  return dlib::full_object_detection(box, parts);
}

detect_options to_detect_options(const Napi::Object& o) {
  detect_options options;
  options.upsample = int(required_integer(o, "upsample", 0, max_upsample));
  options.min_face_size = required_number(o, "minFaceSize");
  options.adjust_threshold = required_number(o, "adjustThreshold");
  options.detector = to_detector(o.Get("detector"));
  if (options.detector == detector_kind::cnn && !o.Get("models").IsUndefined()) {
    options.cnn = to_models(o.Get("models"))->cnn;
    if (!options.cnn)
      throw face_error("MODEL_NOT_FOUND",
                       "The CNN face detector's models (models/mtcnn/*.onnx) are not loaded. Run `npm run setup` to fetch them.");
  }
  return options;
}

detector_kind to_detector(const Napi::Value& value) {
  if (value.IsUndefined()) return detector_kind::hog;
  std::string name = value.IsString() ? std::string(value.As<Napi::String>()) : "";
  if (name == "hog") return detector_kind::hog;
  if (name == "cnn") return detector_kind::cnn;
  throw invalid_argument("Expected detector 'hog' or 'cnn'");
}

Napi::Object from_rgb_image(Napi::Env env, const rgb_image& image) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("width", Napi::Number::New(env, double(image.nc())));
  o.Set("height", Napi::Number::New(env, double(image.nr())));
  const size_t bytes = size_t(image.size()) * 3;
  o.Set("pixels", bytes ? Napi::Buffer<uint8_t>::Copy(env, static_cast<const uint8_t*>(dlib::image_data(image)), bytes)
                        : Napi::Buffer<uint8_t>::New(env, 0));
  return o;
}

Napi::Object from_rectangle(Napi::Env env, const dlib::rectangle& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("x", Napi::Number::New(env, double(r.left())));
  o.Set("y", Napi::Number::New(env, double(r.top())));
  o.Set("width", Napi::Number::New(env, double(r.width())));
  o.Set("height", Napi::Number::New(env, double(r.height())));
  return o;
}

Napi::Array from_shape(Napi::Env env, const dlib::full_object_detection& shape) {
  Napi::Array points = Napi::Array::New(env, shape.num_parts());
  for (unsigned long i = 0; i < shape.num_parts(); ++i) {
    Napi::Object p = Napi::Object::New(env);
    p.Set("x", Napi::Number::New(env, double(shape.part(i).x())));
    p.Set("y", Napi::Number::New(env, double(shape.part(i).y())));
    points.Set(uint32_t(i), p);
  }
  return points;
}

Napi::Float32Array from_encodings(Napi::Env env, const std::vector<encoding>& encodings) {
  Napi::Float32Array out = Napi::Float32Array::New(env, encodings.size() * 128);
  for (size_t i = 0; i < encodings.size(); ++i) std::memcpy(out.Data() + i * 128, &encodings[i](0), 128 * sizeof(float));
  return out;
}

}  // namespace face
