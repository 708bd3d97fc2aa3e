#include "kernels_binding.h"

#include <stdexcept>

#include "convert.h"
#include "errors.h"
#include "face/detect_cnn.h"
#include "face/detect_cnn_check.h"

namespace face {
namespace {

Napi::Value Kernels(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("path", current_net_path().name());
    const std::vector<std::string> names = net_path_names();
    Napi::Array available = Napi::Array::New(info.Env(), names.size());
    for (size_t i = 0; i < names.size(); ++i) available.Set(uint32_t(i), names[i]);
    out.Set("available", available);
    return out;
  });
}

Napi::Value SetKernels(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (!info[0].IsString()) throw invalid_argument("Expected the name of the detector's kernels");
    use_net_path(find_net_path(info[0].As<Napi::String>().Utf8Value()));
    return Napi::String::New(info.Env(), current_net_path().name());
  });
}

mtcnn::check_data check_data_from(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) throw invalid_argument("Expected the MTCNN models directory");
  const rgb_image image = to_rgb_image(info[1]);
  const int crops = info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : 0;
  if (crops < 0 || crops > 10000) throw invalid_argument("Expected 0 to 10000 crops");
  try {
    return mtcnn_check_data(info[0].As<Napi::String>().Utf8Value(), image, crops);
  } catch (const cv::Exception& e) { throw face_error("MODEL_NOT_FOUND", "The MTCNN nets could not be compared: " + e.err); }
}

Napi::Value CheckMtcnnKernels(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const std::string name = info[3].IsString() ? info[3].As<Napi::String>().Utf8Value() : "auto";
    const net_path path = find_net_path(name);
    if (path.opencv) throw invalid_argument("OpenCV's DNN is the reference the kernels are compared with");
    const mtcnn::agreement a = mtcnn::compare(check_data_from(info), path.kernels);
    const auto net = [&](const mtcnn::net_agreement& n) {
      Napi::Object o = Napi::Object::New(info.Env());
      o.Set("compared", n.compared);
      o.Set("facesOurs", n.faces_ours);
      o.Set("facesOpencv", n.faces_opencv);
      o.Set("maxScoreDiff", n.max_score_diff);
      o.Set("maxOutputDiff", n.max_output_diff);
      return o;
    };
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("kernels", path.name());
    out.Set("pnet", net(a.pnet));
    out.Set("rnet", net(a.rnet));
    out.Set("onet", net(a.onet));
    return out;
  });
}

Napi::Value WriteMtcnnCheckData(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (!info[3].IsString()) throw invalid_argument("Expected the file to write");
    const mtcnn::check_data data = check_data_from(info);
    try {
      mtcnn::write_check_data(info[3].As<Napi::String>().Utf8Value(), data);
    } catch (const std::runtime_error& e) { throw face_error("IO_ERROR", e.what()); }
    return info.Env().Undefined();
  });
}

}  // namespace

void register_kernels(Napi::Env env, Napi::Object exports) {
  exports.Set("kernels", Napi::Function::New(env, Kernels, "kernels"));
  exports.Set("setKernels", Napi::Function::New(env, SetKernels, "setKernels"));
  Napi::Object testing = exports.Get("testing").As<Napi::Object>();
  testing.Set("checkMtcnnKernels", Napi::Function::New(env, CheckMtcnnKernels, "checkMtcnnKernels"));
  testing.Set("writeMtcnnCheckData", Napi::Function::New(env, WriteMtcnnCheckData, "writeMtcnnCheckData"));
}

}  // namespace face
