// Reading a layer's weights out of an ONNX net loaded by OpenCV, for the nets that run on the core's own kernels
// (pnet.cc, refine_net.cc).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

namespace face {

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

}  // namespace face
