// The loaded models, shared by every worker. Workers hold a shared_ptr for the length of a call,
// so releasing the models while a call runs is safe; the next call after a release loads them again.
#pragma once
#include <memory>
#include <string>

#include "encode.h"
#include "landmarks.h"

namespace face {

struct model_set {
  std::shared_ptr<const dlib::shape_predictor> shape_predictor;
  std::shared_ptr<const face_encoder> encoder;
  std::string landmarks_path;
  std::string encoder_source;
};

// ensures: the installed models, or nullptr when none are loaded.
std::shared_ptr<const model_set> current_models();
void install_models(std::shared_ptr<const model_set> models);
// Drops the models and pooled detectors; memory is freed once running calls finish.
void release_models();

// throws FaceError MODEL_NOT_FOUND when no models are loaded.
std::shared_ptr<const model_set> require_models();

}  // namespace face
