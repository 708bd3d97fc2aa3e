// Stage 6: the whole pipeline on one image: detect -> landmarks -> chips -> encodings (one batch).
#pragma once
#include <vector>

#include "detect.h"
#include "encode.h"
#include "models.h"

namespace face {

struct analyzed_face {
  detection face;
  dlib::full_object_detection shape;
  encoding descriptor;
};

struct analyze_options {
  detect_options detect;
  int max_faces = -1;  // only the largest max_faces are encoded; -1 = all
  int jitter = 0;
};

// ensures: faces largest first, each with landmarks and encoding.
std::vector<analyzed_face> analyze_image(const rgb_image& image, const analyze_options& options, const model_set& models);

}  // namespace face
