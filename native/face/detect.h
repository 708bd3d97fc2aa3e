// Stage 2: find faces with dlib's HOG frontal face detector or the MTCNN (detect_cnn.h); one output shape for both.
#pragma once
#include <dlib/geometry/rectangle.h>

#include <memory>
#include <vector>

#include "deadline.h"
#include "decode.h"

namespace face {

class cnn_detector;

enum class detector_kind { hog, cnn };

struct detect_options {
  detector_kind detector = detector_kind::hog;
  int upsample = 0;                         // HOG: times the image is doubled first (pyramid_up), finds faces down to ~80/2^n px;
                                            // at most max_upsample
  double min_face_size = 0;                 // drop faces whose larger side is below this many pixels; CNN: also the pyramid's
                                            // smallest face (20 px when 0, never below 12)
  double adjust_threshold = 0;              // HOG: added to the detector's threshold; negative finds more faces
  std::shared_ptr<const cnn_detector> cnn;  // required when detector is cnn (from the loaded model set)
  face::deadline deadline;                  // checked between steps; throws face_error TIMEOUT once passed
};

struct detection {
  dlib::rectangle rect;  // in the caller's image pixels; CNN: hog_like_box() of the MTCNN box, the framing the
                         // 68-point shape predictor was trained on
  double score;          // HOG: detector confidence; CNN: O-Net face probability (0..1)
};

// The CNN's pyramid bottom when min_face_size is 0, and the smallest it may be (P-Net's 12x12 window: a smaller
// face would need the photo enlarged). Both are exported in the addon's `limits`.
constexpr double default_cnn_min_face = 20;
constexpr double min_cnn_face = 12;

// Each upsampling step quadruples the pixels the detector holds: more is refused to protect memory.
constexpr int max_upsample = 3;

// Detection looks at no more pixels than this: a larger image is searched on a reduced copy (faces under about
// min_face_size there are not found), and HOG upsamples only while the result stays under 4 times this.
constexpr double max_detect_pixels = 4'000'000;

// ensures: faces sorted largest first. Safe to call from several threads at once.
// throws face_error MODEL_NOT_FOUND when the CNN is asked for and options.cnn is empty.
std::vector<detection> detect_faces(const rgb_image& image, const detect_options& options);

// Frees the pooled detectors; they are rebuilt on the next call.
void release_detectors();

}  // namespace face
