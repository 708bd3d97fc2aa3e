// One exported function per stage: arguments are copied on the main thread, the work runs in a promise_worker.
// Option ranges are checked in TypeScript (src/core/limits.ts), which passes every option resolved; the checks
// here keep memory and casts safe, against the limits the addon exports to it (settings.cc).
#include "stages.h"

#include <climits>
#include <cstring>

#include "convert.h"
#include "face/align.h"
#include "face/cluster.h"
#include "face/models.h"
#include "face/pipeline.h"
#include "workers.h"

namespace face {
namespace {

Napi::Object options_at(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || info[i].IsUndefined()) return Napi::Object::New(info.Env());
  if (!info[i].IsObject()) throw invalid_argument("Expected an options object");
  return info[i].As<Napi::Object>();
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (!info[0].IsBuffer()) throw invalid_argument("Expected a Buffer of encoded image bytes");
    auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
    image_info i = read_image_info(buffer.Data(), buffer.Length());
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("format", format_name(i.format));
    o.Set("width", double(i.width));
    o.Set("height", double(i.height));
    return o;
  });
}

struct decoded {
  rgb_image image;
  image_info info{};
};

Napi::Value Decode(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (!info[0].IsBuffer()) throw invalid_argument("Expected a Buffer of encoded image bytes");
    auto input = std::make_shared<image_input>(to_image_input(info[0], options_at(info, 1).Get("maxPixels")));
    return promise_worker<decoded>::start(
        info.Env(),
        [input] {
          decoded d;
          d.image = input->materialize(&d.info);
          return d;
        },
        [](Napi::Env env, decoded& d) -> Napi::Value {
          Napi::Object o = from_rgb_image(env, d.image);
          o.Set("format", format_name(d.info.format));
          return o;
        });
  });
}

Napi::Value Detect(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Object options = options_at(info, 1);
    auto input = std::make_shared<image_input>(to_image_input(info[0], options.Get("maxPixels")));
    detect_options detect = to_detect_options(options);
    // Resolves to the faces largest first (detect_faces orders them by box area; equal areas keep the detector's order).
    return promise_worker<std::vector<detection>>::start(
        info.Env(), [input, detect] { return detect_faces(input->materialize(), detect); },
        [](Napi::Env env, std::vector<detection>& faces) -> Napi::Value {
          Napi::Array out = Napi::Array::New(env, faces.size());
          for (size_t i = 0; i < faces.size(); ++i) {
            Napi::Object f = Napi::Object::New(env);
            f.Set("box", from_rectangle(env, faces[i].rect));
            f.Set("score", faces[i].score);
            out.Set(uint32_t(i), f);
          }
          return out;
        });
  });
}

Napi::Value Landmarks(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    auto models = to_models(info[0]);
    auto input = std::make_shared<image_input>(to_image_input(info[1], options_at(info, 3).Get("maxPixels")));
    auto boxes = to_rectangles(info[2]);
    return promise_worker<std::vector<dlib::full_object_detection>>::start(
        info.Env(), [input, boxes, models] { return find_landmarks(*models->shape_predictor, input->materialize(), boxes); },
        [](Napi::Env env, std::vector<dlib::full_object_detection>& shapes) -> Napi::Value {
          Napi::Array out = Napi::Array::New(env, shapes.size());
          for (size_t i = 0; i < shapes.size(); ++i) out.Set(uint32_t(i), from_shape(env, shapes[i]));
          return out;
        });
  });
}

Napi::Value Align(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Object options = options_at(info, 2);
    auto input = std::make_shared<image_input>(to_image_input(info[0], options.Get("maxPixels")));
    if (!info[1].IsArray()) throw invalid_argument("Expected an array with one landmark array per face");
    Napi::Array faces = info[1].As<Napi::Array>();
    std::vector<dlib::full_object_detection> shapes;
    for (uint32_t i = 0; i < faces.Length(); ++i) shapes.push_back(to_shape(faces.Get(i)));
    const long size = required_integer(options, "size", double(min_chip_size), double(max_chip_size));
    const double padding = required_number(options, "padding", 0, max_chip_padding);
    return promise_worker<std::vector<rgb_image>>::start(
        info.Env(), [input, shapes, size, padding] { return extract_chips(input->materialize(), shapes, (unsigned long)size, padding); },
        [](Napi::Env env, std::vector<rgb_image>& chips) -> Napi::Value {
          Napi::Array out = Napi::Array::New(env, chips.size());
          for (size_t i = 0; i < chips.size(); ++i) out.Set(uint32_t(i), from_rgb_image(env, chips[i]));
          return out;
        });
  });
}

Napi::Value Encode(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    auto models = to_models(info[0]);
    if (!info[1].IsArray()) throw invalid_argument("Expected an array of face chips {width, height, pixels}");
    Napi::Array array = info[1].As<Napi::Array>();
    auto chips = std::make_shared<std::vector<rgb_image>>();
    for (uint32_t i = 0; i < array.Length(); ++i) chips->push_back(to_rgb_image(array.Get(i)));
    Napi::Object options = options_at(info, 2);
    long jitter = required_integer(options, "jitter", 0, INT_MAX), batch = required_integer(options, "batchSize", 1, INT_MAX);
    return promise_worker<std::vector<encoding>>::start(
        info.Env(), [chips, models, jitter, batch] { return models->encoder->encode(*chips, int(jitter), (unsigned long)batch); },
        [](Napi::Env env, std::vector<encoding>& encodings) -> Napi::Value { return from_encodings(env, encodings); });
  });
}

struct analysis {
  image_info info{};
  long width = 0, height = 0;
  std::vector<analyzed_face> faces;
  int rotation = 0;
};

Napi::Value Analyze(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    auto models = to_models(info[0]);
    Napi::Object o = options_at(info, 2);
    auto input = std::make_shared<image_input>(to_image_input(info[1], o.Get("maxPixels")));
    analyze_options options;
    options.detect = to_detect_options(o);
    long max_faces = required_integer(o, "maxFaces", 0, 9007199254740991.0);
    options.max_faces = max_faces > INT_MAX ? -1 : int(max_faces);
    options.jitter = int(required_integer(o, "jitter", 0, INT_MAX));
    options.try_rotations = o.Get("tryRotations").ToBoolean();
    options.turned_min_face_size = number_or(o, "turnedMinFaceSize", 0);
    // From now: the caller counts its own waiting for a slot and gives what is left.
    options.detect.deadline = deadline::in_ms(number_or(o, "timeLimitMs", 0));
    // Resolves to {width, height, format (for encoded bytes: sniffed once, by the decode itself), faces largest first}.
    return promise_worker<analysis>::start(
        info.Env(),
        [input, options, models] {
          analysis a;
          // A JPEG larger than detection needs is decoded reduced (at a fraction of the cost), never below what
          // detection looks at; boxes and landmarks are given back in the photo's own pixels.
          rgb_image image = input->materialize(&a.info, uint64_t(max_detect_pixels));
          options.detect.deadline.check();
          a.width = image.nc();
          a.height = image.nr();
          if (a.info.reduced_by > 1) {
            const bool sideways = a.info.orientation >= 5;  // EXIF orientations 5-8 swap width and height
            a.width = long(sideways ? a.info.height : a.info.width);
            a.height = long(sideways ? a.info.width : a.info.height);
          }
          // A photo whose EXIF orientation turned it is upright already: no turned copies are tried for it.
          analyze_options o = options;
          if (a.info.orientation > 1) o.try_rotations = false;
          analysis_result r = analyze_image(image, o, *models);
          a.faces = std::move(r.faces);
          a.rotation = r.rotation;
          if (a.info.reduced_by > 1) scale_faces(a.faces, double(a.width) / image.nc(), double(a.height) / image.nr());
          return a;
        },
        [encoded = input->is_encoded](Napi::Env env, analysis& a) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("width", double(a.width));
          out.Set("height", double(a.height));
          if (encoded) out.Set("format", format_name(a.info.format));
          Napi::Array faces = Napi::Array::New(env, a.faces.size());
          for (size_t i = 0; i < a.faces.size(); ++i) {
            const analyzed_face& f = a.faces[i];
            Napi::Object face = Napi::Object::New(env);
            face.Set("box", from_rectangle(env, f.face.rect));
            face.Set("score", f.face.score);
            face.Set("landmarks", from_shape(env, f.shape));
            Napi::Float32Array e = Napi::Float32Array::New(env, 128);
            std::memcpy(e.Data(), &f.descriptor(0), 128 * sizeof(float));
            face.Set("encoding", e);
            face.Set("size", double(std::max(f.face.rect.width(), f.face.rect.height())));
            face.Set("sharpness", f.sharpness);
            faces.Set(uint32_t(i), face);
          }
          out.Set("faces", faces);
          out.Set("rotation", double(a.rotation));
          return out;
        });
  });
}

Napi::Value Cluster(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw invalid_argument("Expected a Float32Array of n*128 encodings");
    auto array = info[0].As<Napi::Float32Array>();
    if (array.ElementLength() % 128) throw invalid_argument("Expected a Float32Array whose length is a multiple of 128");
    if (array.ElementLength() / 128 > 100000) throw invalid_argument("Expected at most 100000 encodings to cluster");
    auto values = std::make_shared<std::vector<float>>(array.Data(), array.Data() + array.ElementLength());
    for (float v : *values)
      if (!std::isfinite(v)) throw invalid_argument("Expected finite encodings but found NaN or Infinity");
    double threshold = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : NAN;
    if (!std::isfinite(threshold)) throw invalid_argument("Expected a finite threshold");
    return promise_worker<std::vector<unsigned long>>::start(
        info.Env(), [values, threshold] { return cluster_encodings(values->data(), values->size() / 128, threshold); },
        [](Napi::Env env, std::vector<unsigned long>& labels) -> Napi::Value {
          Napi::Uint32Array out = Napi::Uint32Array::New(env, labels.size());
          for (size_t i = 0; i < labels.size(); ++i) out[i] = uint32_t(labels[i]);
          return out;
        });
  });
}

// loadModels({ landmarksPath, recognitionPath?, tensors?: [{name, shape, values: Float32Array}], encoder: 'opencv' | 'dlib',
//              cnn?: {pnet, rnet, onet} })
//   -> {handle, landmarks, landmarkPoints, encoder, engine, cnnDetector: folder of the ONNX files | null}
Napi::Value LoadModels(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Object o = options_at(info, 0);
    if (!o.Get("landmarksPath").IsString()) throw invalid_argument("Expected landmarksPath");
    std::string engine_name = o.Get("encoder").IsString() ? std::string(o.Get("encoder").As<Napi::String>()) : "";
    if (engine_name != "opencv" && engine_name != "dlib") throw invalid_argument("Expected encoder 'opencv' or 'dlib'");
    encoder_engine engine = engine_name == "dlib" ? encoder_engine::dlib : encoder_engine::opencv;
    std::string landmarks = o.Get("landmarksPath").As<Napi::String>();
    std::string recognition = o.Get("recognitionPath").IsString() ? std::string(o.Get("recognitionPath").As<Napi::String>()) : "";
    auto tensors = std::make_shared<std::vector<weight_tensor>>();
    if (recognition.empty()) {
      if (!o.Get("tensors").IsArray()) throw invalid_argument("Expected recognitionPath or tensors");
      Napi::Array array = o.Get("tensors").As<Napi::Array>();
      for (uint32_t i = 0; i < array.Length(); ++i) {
        if (!array.Get(i).IsObject()) throw invalid_argument("Expected tensors as {name, shape, values}");
        Napi::Object t = array.Get(i).As<Napi::Object>();
        if (!t.Get("shape").IsArray() || !t.Get("values").IsTypedArray() ||
            t.Get("values").As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
          throw invalid_argument("Expected tensors as {name, shape: number[], values: Float32Array}");
        weight_tensor w;
        w.name = t.Get("name").ToString();
        Napi::Array shape = t.Get("shape").As<Napi::Array>();
        for (uint32_t s = 0; s < shape.Length(); ++s) w.shape.push_back(shape.Get(s).ToNumber().Int32Value());
        Napi::Float32Array values = t.Get("values").As<Napi::Float32Array>();
        w.values.assign(values.Data(), values.Data() + values.ElementLength());
        tensors->push_back(std::move(w));
      }
    }
    cnn_paths cnn;
    if (o.Get("cnn").IsObject()) {
      Napi::Object c = o.Get("cnn").As<Napi::Object>();
      if (!c.Get("pnet").IsString() || !c.Get("rnet").IsString() || !c.Get("onet").IsString())
        throw invalid_argument("Expected cnn as {pnet, rnet, onet} file paths");
      cnn = {c.Get("pnet").As<Napi::String>(), c.Get("rnet").As<Napi::String>(), c.Get("onet").As<Napi::String>()};
    }
    return promise_worker<std::shared_ptr<const model_set>>::start(
        info.Env(),
        [landmarks, recognition, tensors, engine, cnn] { return load_model_set(landmarks, recognition, *tensors, engine, cnn); },
        [engine_name](Napi::Env env, std::shared_ptr<const model_set>& set) -> Napi::Value {
          Napi::Object o = Napi::Object::New(env);
          o.Set("handle", new_models_handle(env, set));
          o.Set("landmarks", set->landmarks_path);
          o.Set("landmarkPoints", double(set->shape_predictor->num_parts()));
          o.Set("encoder", set->encoder_source);
          o.Set("engine", engine_name);
          o.Set("cnnDetector", set->cnn ? Napi::Value(Napi::String::New(env, set->cnn->directory())) : env.Null());
          return o;
        });
  });
}

Napi::Value ReleaseModels(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    release_models_handle(info[0]);
    return info.Env().Undefined();
  });
}

Napi::Value ReleaseDetectors(const Napi::CallbackInfo& info) {
  release_detectors();
  return info.Env().Undefined();
}

}  // namespace

void register_stages(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("decode", Napi::Function::New(env, Decode, "decode"));
  exports.Set("detect", Napi::Function::New(env, Detect, "detect"));
  exports.Set("landmarks", Napi::Function::New(env, Landmarks, "landmarks"));
  exports.Set("align", Napi::Function::New(env, Align, "align"));
  exports.Set("encode", Napi::Function::New(env, Encode, "encode"));
  exports.Set("analyze", Napi::Function::New(env, Analyze, "analyze"));
  exports.Set("cluster", Napi::Function::New(env, Cluster, "cluster"));
  exports.Set("loadModels", Napi::Function::New(env, LoadModels, "loadModels"));
  exports.Set("releaseModels", Napi::Function::New(env, ReleaseModels, "releaseModels"));
  exports.Set("releaseDetectors", Napi::Function::New(env, ReleaseDetectors, "releaseDetectors"));
}

}  // namespace face
