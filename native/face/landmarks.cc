// Stage 3: loading and running the shape predictor.
#include "landmarks.h"

#include <dlib/serialize.h>

#include <fstream>

#include "errors.h"

namespace face {

std::shared_ptr<const dlib::shape_predictor> load_shape_predictor(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw face_error("MODEL_NOT_FOUND", "The landmark model " + path +
                                            " cannot be read. Install Debian's libdlib-data (it ships "
                                            "/usr/share/dlib/shape_predictor_68_face_landmarks.dat) or put dlib's "
                                            "shape_predictor_68_face_landmarks.dat in FACE_MODELS_DIR.");
  auto predictor = std::make_shared<dlib::shape_predictor>();
  try {
    dlib::deserialize(*predictor, file);
  } catch (const std::exception& e) {
    throw face_error("MODEL_NOT_FOUND", "The landmark model " + path + " is not a dlib shape predictor (" + e.what() +
                                            "). Run `npm run models:dlib` to fetch a good copy, or remove it from FACE_MODELS_DIR to "
                                            "use Debian's /usr/share/dlib/shape_predictor_68_face_landmarks.dat (package libdlib-data).");
  }
  if (predictor->num_parts() != 68 && predictor->num_parts() != 5)
    throw face_error("MODEL_NOT_FOUND", "The landmark model " + path + " has " + std::to_string(predictor->num_parts()) +
                                            " points; a 68- or 5-point dlib model is needed.");
  return predictor;
}

std::vector<dlib::full_object_detection> find_landmarks(const dlib::shape_predictor& predictor, const rgb_image& image,
                                                        const std::vector<dlib::rectangle>& faces) {
  std::vector<dlib::full_object_detection> shapes;
  shapes.reserve(faces.size());
  for (const auto& face : faces) shapes.push_back(predictor(image, face));
  return shapes;
}

}  // namespace face
