// Loading one model set.
#include "models.h"

namespace face {

std::shared_ptr<const model_set> load_model_set(const std::string& landmarks_path, const std::string& recognition_path,
                                                const std::vector<weight_tensor>& tensors, encoder_engine engine, const cnn_paths& cnn) {
  auto set = std::make_shared<model_set>();
  set->shape_predictor = load_shape_predictor(landmarks_path);
  set->landmarks_path = landmarks_path;
  set->encoder =
      recognition_path.empty() ? face_encoder::from_tfjs(tensors, engine) : face_encoder::from_dlib_file(recognition_path, engine);
  set->encoder_source = recognition_path.empty() ? "tfjs" : recognition_path;
  if (!cnn.pnet.empty()) set->cnn = std::make_shared<const cnn_detector>(cnn.pnet, cnn.rnet, cnn.onet);
  return set;
}

}  // namespace face
