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
  // How sharp the aligned chip is: the variance of its grey levels' Laplacian over the chip's central half (the
  // face, not its margin). An in-focus face scores in the hundreds; a blurred region a few units.
  double sharpness = 0;
};

// ensures: the sharpness of an aligned face chip, as analyzed_face::sharpness describes it.
double chip_sharpness(const rgb_image& chip);

struct analyze_options {
  detect_options detect;
  int max_faces = -1;  // only the largest max_faces are encoded; -1 = all
  int jitter = 0;
  // For photos whose EXIF orientation was not set (sideways scans, screenshots): when nothing is found, look again in
  // the image turned by 90, 270 and 180 degrees (clockwise), in that order, and stop at the first turn with a face;
  // with the CNN, when the largest face found scores below cnn_sure_score (a sideways face: the CNN finds some, less
  // surely, and its landmarks and encoding would be wrong), the square around it is searched in the three turned
  // copies, and a turn where it scores higher turns the whole photo. Faces found in a turned copy count only from
  // turned_min_face_size pixels (a small face-like patch in a turned copy is more often a false detection).
  bool try_rotations = false;
  double turned_min_face_size = 0;
};

struct analysis_result {
  std::vector<analyzed_face> faces;
  int rotation = 0;  // clockwise degrees the image was turned to find the faces (0, 90, 180, 270)
};

// ensures: faces largest first, each with landmarks and encoding; boxes and landmarks in the given image's
// coordinates, also when found in a turned copy (the chips are cut from the turned copy, upright).
// The CNN detector comes from models.cnn unless options.detect.cnn is set.
analysis_result analyze_image(const rgb_image& image, const analyze_options& options, const model_set& models);

// ensures: boxes and landmarks multiplied by sx (x) and sy (y): from a reduced decode back to the photo's pixels.
void scale_faces(std::vector<analyzed_face>& faces, double sx, double sy);

}  // namespace face
