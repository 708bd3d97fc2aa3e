// Stage 3: facial landmarks with dlib's shape predictor (68 points, or 5 with dlib's small model).
#pragma once
#include <dlib/image_processing/full_object_detection.h>
#include <dlib/image_processing/shape_predictor.h>

#include <memory>
#include <string>
#include <vector>

#include "decode.h"

namespace face {

// throws face_error MODEL_NOT_FOUND naming the file when it is missing or not a shape predictor.
std::shared_ptr<const dlib::shape_predictor> load_shape_predictor(const std::string& path);

// A shape_predictor is read-only while predicting, so one may serve every thread.
std::vector<dlib::full_object_detection> find_landmarks(const dlib::shape_predictor& predictor, const rgb_image& image,
                                                        const std::vector<dlib::rectangle>& faces);

}  // namespace face
