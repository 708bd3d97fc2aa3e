// Stage 5: 128-d face descriptors from aligned 150x150 chips with dlib's ResNet.
// The network runs through OpenCV's DNN module (encode_opencv.h) or through dlib's own forward pass, as the
// caller of loadModels() chooses; both give the same encodings.
#pragma once
#include <dlib/matrix.h>
#include <opencv2/dnn.hpp>

#include <memory>
#include <string>
#include <vector>

#include "decode.h"
#include "encode_opencv.h"
#include "pool.h"
#include "tfjs_weights.h"

namespace face {

using encoding = dlib::matrix<float, 0, 1>;

// Which code runs the network: OpenCV's DNN module (faster, the default) or dlib's own forward pass.
enum class encoder_engine { opencv, dlib };

class face_encoder {
 public:
  // throws face_error MODEL_NOT_FOUND naming the file when it is missing or not dlib's network.
  static std::shared_ptr<face_encoder> from_dlib_file(const std::string& path, encoder_engine engine);
  // throws face_error MODEL_NOT_FOUND when the tensors do not fit the network.
  static std::shared_ptr<face_encoder> from_tfjs(const std::vector<weight_tensor>& tensors, encoder_engine engine);

  // requires: chips are non-empty RGB images (150x150 chips; other sizes are resized).
  // ensures: one 128-d encoding per chip; with jitter > 0 each is the mean over that many jittered copies.
  // Thread-safe: each call leases its own copy of the network.
  std::vector<encoding> encode(const std::vector<rgb_image>& chips, int jitter, unsigned long batch_size) const;

 private:
  face_encoder(std::unique_ptr<resnet::anet_type> prototype, encoder_engine engine);
  // ensures: one encoding per 150x150 chip, through whichever engine this encoder uses.
  std::vector<encoding> run(const std::vector<rgb_image>& chips, unsigned long batch_size) const;
  std::unique_ptr<resnet::anet_type> prototype_;
  mutable object_pool<resnet::anet_type> nets_;
  std::unique_ptr<opencv_resnet> fast_;  // null for encoder_engine::dlib
  mutable object_pool<cv::dnn::Net> fast_nets_;
};

}  // namespace face
