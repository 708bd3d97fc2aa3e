// Stage 5: 128-d face descriptors from aligned 150x150 chips with dlib's ResNet.
#pragma once
#include <dlib/matrix.h>

#include <memory>
#include <string>
#include <vector>

#include "decode.h"
#include "pool.h"
#include "tfjs_weights.h"

namespace face {

using encoding = dlib::matrix<float, 0, 1>;

class face_encoder {
 public:
  // throws FaceError MODEL_NOT_FOUND naming the file when it is missing or not dlib's network.
  static std::shared_ptr<face_encoder> from_dlib_file(const std::string& path);
  // throws FaceError MODEL_NOT_FOUND when the tensors do not fit the network.
  static std::shared_ptr<face_encoder> from_tfjs(const std::vector<weight_tensor>& tensors);

  // requires: chips are non-empty RGB images (150x150 chips; other sizes are resized).
  // ensures: one 128-d encoding per chip; with jitter > 0 each is the mean over that many jittered copies.
  // Thread-safe: each call leases its own copy of the network.
  std::vector<encoding> encode(const std::vector<rgb_image>& chips, int jitter, unsigned long batch_size) const;

 private:
  explicit face_encoder(std::unique_ptr<resnet::anet_type> prototype);
  std::unique_ptr<resnet::anet_type> prototype_;
  mutable object_pool<resnet::anet_type> nets_;
};

}  // namespace face
