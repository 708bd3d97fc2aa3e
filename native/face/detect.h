// Stage 2: find faces with dlib's HOG frontal face detector.
#pragma once
#include <dlib/geometry/rectangle.h>

#include <vector>

#include "decode.h"

namespace face {

struct detect_options {
  int upsample = 0;              // times the image is doubled first (pyramid_up), finds faces down to ~40/2^n px
  double min_face_size = 0;      // drop faces whose larger side is below this many pixels
  double adjust_threshold = 0;   // added to the detector's threshold; negative finds more faces
};

struct detection {
  dlib::rectangle rect;  // in the caller's image pixels
  double score;
};

// ensures: faces sorted largest first. Safe to call from several threads at once.
std::vector<detection> detect_faces(const rgb_image& image, const detect_options& options);

// Frees the pooled detectors; they are rebuilt on the next call.
void release_detectors();

}  // namespace face
