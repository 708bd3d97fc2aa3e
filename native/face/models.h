// A loaded set of models. JavaScript holds it through a handle (an External, see napi/convert.h); each worker
// copies the shared_ptr for the length of its call, so releasing the handle while a call runs is safe.
#pragma once
#include <memory>
#include <string>

#include "detect_cnn.h"
#include "encode.h"
#include "landmarks.h"

namespace face {

struct model_set {
  std::shared_ptr<const dlib::shape_predictor> shape_predictor;
  std::shared_ptr<const face_encoder> encoder;
  std::string landmarks_path;
  std::string encoder_source;
  // The MTCNN detector (a pool, one net per concurrent job); empty when its ONNX files were not given.
  std::shared_ptr<const cnn_detector> cnn;
};

// The CNN detector's three ONNX files; all empty = no CNN detector (HOG still works).
struct cnn_paths {
  std::string pnet, rnet, onet;
};

// Loads the landmark model and the encoder: dlib's .dat file when recognition_path is set, else the tensors;
// the encoder runs on `engine`.
// throws face_error MODEL_NOT_FOUND naming the file that is missing or unreadable.
std::shared_ptr<const model_set> load_model_set(const std::string& landmarks_path, const std::string& recognition_path,
                                                const std::vector<weight_tensor>& tensors, encoder_engine engine,
                                                const cnn_paths& cnn = {});

}  // namespace face
