// The JS-facing functions, one per pipeline stage, each returning a promise (info and release are synchronous),
// plus loadModels/releaseModels/releaseDetectors.
#pragma once
#include <napi.h>

namespace face {

void register_stages(Napi::Env env, Napi::Object exports);

// testing.checkMtcnnKernels(modelsDir, rgbImage, crops): MTCNN's own kernels against OpenCV's DNN on the same ONNX
// files (detect_cnn_check.h), synchronous; {pnet, rnet, onet: {compared, facesOurs, facesOpencv, maxScoreDiff,
// maxOutputDiff}}. Only the tests use it.
Napi::Value CheckMtcnnKernels(const Napi::CallbackInfo& info);

}  // namespace face
