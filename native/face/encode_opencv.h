// Stage 5, fast path: dlib's face recognition ResNet rebuilt as an OpenCV DNN network from the parameters of a
// loaded dlib network (either model source), with each affine layer folded into the convolution before it.
// Its encodings equal dlib's to float rounding (distance < 1e-6 on the johns chips); OpenCV spreads each layer
// over all cores, where dlib runs only its matrix products in parallel.
#pragma once
#include <opencv2/dnn.hpp>

#include <vector>

#include "decode.h"
#include "resnet.h"

namespace face {

class opencv_resnet {
 public:
  // ensures: holds the folded weights of net (net itself is not kept).
  // throws face_error MODEL_NOT_FOUND when net does not have dlib's 29 conv + 29 affine layers and a 128-wide fc.
  explicit opencv_resnet(resnet::anet_type& net);

  // ensures: a new OpenCV network computing the encodings; all networks made share the weights read-only.
  // A cv::dnn::Net is not thread-safe: each thread needs its own.
  cv::dnn::Net make_net() const;

  // requires: every chip is 150x150; net comes from make_net().
  // ensures: one 128-d encoding per chip, the chips run through net batch_size at a time.
  std::vector<dlib::matrix<float, 0, 1>> encode(cv::dnn::Net& net, const std::vector<rgb_image>& chips, unsigned long batch_size) const;

 private:
  struct conv {
    cv::Mat weights;  // [out, in, rows, cols], already scaled by the affine layer's gamma
    cv::Mat bias;     // [1, out]: conv bias * gamma + beta
    int rows, cols, stride_y, stride_x, pad_y, pad_x;
  };
  std::vector<conv> convs_;  // from the input up
  cv::Mat fc_;               // [128, 256]
  float mean_red_, mean_green_, mean_blue_;
};

}  // namespace face
