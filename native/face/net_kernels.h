// What MTCNN's hand-written nets (pnet.cc, refine_net.cc) share: the CPU's float vector and reading a layer's
// weights out of an ONNX net loaded by OpenCV.
// The vector width is the compiler's: 16 floats with AVX-512, 8 with AVX2 (both about 3x OpenCV DNN's speed on these
// nets), 4 otherwise (slower than OpenCV, which picks its kernels at run time) - CMakeLists.txt builds for the host CPU.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

namespace face::kernels {

#if defined(__AVX512F__)
constexpr int L = 16;
#elif defined(__AVX__)
constexpr int L = 8;
#else
constexpr int L = 4;
#endif
typedef float vf __attribute__((vector_size(L * sizeof(float))));

inline vf load(const float* p) {
    vf v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
// n rounded up to whole vectors.
inline int round_up(int n) { return (n + L - 1) / L * L; }
inline vf prelu(vf a, vf slope) { return a > 0 ? a : a * slope; }

// Blob i of the layer OpenCV made of ONNX node `node` (weights, bias, PReLU slopes: 32-bit floats, continuous).
inline const cv::Mat& onnx_blob(cv::dnn::Net& net, const std::string& node, int i) {
    cv::Ptr<cv::dnn::Layer> layer = net.getLayer(net.getLayerId("onnx_node!" + node));
    CV_Assert(!layer.empty() && static_cast<int>(layer->blobs.size()) > i);
    const cv::Mat& b = layer->blobs[i];
    CV_Assert(b.type() == CV_32F && b.isContinuous());
    return b;
}

// A blob's n values, zero-padded to `padded_to` values when that is more (for whole vectors).
inline std::vector<float> blob_values(const cv::Mat& m, size_t n, size_t padded_to = 0) {
    CV_Assert(m.type() == CV_32F && m.isContinuous() && m.total() == n);
    std::vector<float> v(std::max(n, padded_to), 0.f);
    std::copy(m.ptr<float>(), m.ptr<float>() + n, v.begin());
    return v;
}

}  // namespace face::kernels
