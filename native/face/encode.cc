// Stage 5: the face encoder: loading the network either way, leasing copies per thread, batching and jitter.
#include "encode.h"

#include <dlib/image_transforms.h>
#include <dlib/serialize.h>

#include <fstream>

#include "errors.h"

namespace face {

face_encoder::face_encoder(std::unique_ptr<resnet::anet_type> prototype, encoder_engine engine)
    : prototype_(std::move(prototype)),
      nets_([this] { return std::make_unique<resnet::anet_type>(*prototype_); }),
      fast_nets_([this] { return std::make_unique<cv::dnn::Net>(fast_->make_net()); }) {
  if (engine == encoder_engine::opencv) fast_ = std::make_unique<opencv_resnet>(*prototype_);
}

std::vector<encoding> face_encoder::run(const std::vector<rgb_image>& chips, unsigned long batch_size) const {
  batch_size = std::max<unsigned long>(batch_size, 1);
  if (fast_) {
    auto net = fast_nets_.take();
    return fast_->encode(*net, chips, batch_size);
  }
  auto net = nets_.take();
  auto descriptors = (*net)(chips, batch_size);
  return std::vector<encoding>(descriptors.begin(), descriptors.end());
}

std::shared_ptr<face_encoder> face_encoder::from_dlib_file(const std::string& path, encoder_engine engine) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw face_error("MODEL_NOT_FOUND", "The face recognition model " + path +
                                            " cannot be read. Run `npm run models:dlib` to fetch dlib's original "
                                            "files, or remove it to use the bundled @vladmandic/face-api weights.");
  auto net = std::make_unique<resnet::anet_type>();
  try {
    dlib::deserialize(*net, file);
  } catch (const std::exception& e) {
    throw face_error("MODEL_NOT_FOUND", "The face recognition model " + path + " is not dlib's ResNet face model (" + e.what() +
                                            "). Run `npm run models:dlib` to fetch a good copy, or remove the file to use the "
                                            "bundled @vladmandic/face-api weights.");
  }
  return std::shared_ptr<face_encoder>(new face_encoder(std::move(net), engine));
}

std::shared_ptr<face_encoder> face_encoder::from_tfjs(const std::vector<weight_tensor>& tensors, encoder_engine engine) {
  auto net = std::make_unique<resnet::anet_type>();
  load_tfjs_weights(*net, tensors);
  return std::shared_ptr<face_encoder>(new face_encoder(std::move(net), engine));
}

std::vector<encoding> face_encoder::encode(const std::vector<rgb_image>& chips, int jitter, unsigned long batch_size) const {
  std::vector<rgb_image> sized;
  sized.reserve(chips.size());
  for (const auto& chip : chips) {
    if (chip.size() == 0) throw invalid_argument("A face chip is empty.");
    if (chip.nr() == 150 && chip.nc() == 150) {
      sized.push_back(chip);
    } else {
      rgb_image resized(150, 150);
      dlib::resize_image(chip, resized);
      sized.push_back(std::move(resized));
    }
  }

  if (jitter <= 0) return run(sized, batch_size);
  std::vector<encoding> out;
  for (const auto& chip : sized) {
    dlib::rand rnd(0);  // seeded per chip: the same chip always gets the same jittered encoding, wherever it is in the batch
    std::vector<rgb_image> copies;
    copies.reserve(jitter);
    for (int j = 0; j < jitter; ++j) copies.push_back(dlib::jitter_image(chip, rnd));
    auto descriptors = run(copies, batch_size);
    encoding mean = dlib::zeros_matrix<float>(128, 1);
    for (const auto& d : descriptors) mean += d;
    out.push_back(mean / float(descriptors.size()));
  }
  return out;
}

}  // namespace face
