// What runs the face detector's nets (detect_cnn.h's net path), chosen from JavaScript, and the check of the kernels
// against OpenCV's DNN module.
#pragma once
#include <napi.h>

namespace face {

// kernels(): {path, available: [...]}, synchronous: the path in use ("avx512", "avx2", "sse4", "ssse3", "neon",
// "scalar" or "opencv") and the names setKernels takes on this CPU.
// setKernels(name): "auto", "baseline", "opencv" or one of `available`; returns the path now in use. Throws
// INVALID_ARGUMENT naming the choices. Process-wide: photos already being detected finish on the path they began on.
// testing.checkMtcnnKernels(modelsDir, rgbImage, crops, kernels?): the kernels of one path ("auto": the best) against
// OpenCV's DNN on inputs from the photo; {pnet, rnet, onet: {compared, facesOurs, facesOpencv, maxScoreDiff,
// maxOutputDiff}}, synchronous.
// testing.writeMtcnnCheckData(modelsDir, rgbImage, crops, file): the same inputs, weights and OpenCV's outputs as one
// file, for the check program built for other CPUs (native/check/).
void register_kernels(Napi::Env env, Napi::Object exports);

}  // namespace face
