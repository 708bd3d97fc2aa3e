// Stage 2: HOG face detection with optional upsampling, scores, size filter and largest-first order.
#include "detect.h"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

#include <algorithm>
#include <cmath>

#include "detect_cnn.h"
#include "errors.h"
#include "pool.h"

namespace face {
namespace {

constexpr double max_upsampled_pixels = 64e6;

object_pool<dlib::frontal_face_detector>& detectors() {
  static object_pool<dlib::frontal_face_detector> pool(
      [] { return std::make_unique<dlib::frontal_face_detector>(dlib::get_frontal_face_detector()); });
  return pool;
}

}  // namespace

namespace {

std::vector<detection> detect_cnn(const rgb_image& image, const detect_options& options) {
  if (!options.cnn)
    throw FaceError("MODEL_NOT_FOUND", "The CNN face detector's models (models/mtcnn/*.onnx) are not loaded. Run `npm run setup` to fetch them.");
  const double pyramid_min = options.min_face_size > 0 ? options.min_face_size : default_cnn_min_face;
  std::vector<detection> faces;
  for (const FaceCandidate& f : options.cnn->detect(image, float(pyramid_min))) {
    const cv::Rect2f b = hog_like_box(f);
    dlib::rectangle r(std::lround(b.x), std::lround(b.y), std::lround(b.x + b.width) - 1, std::lround(b.y + b.height) - 1);
    if (double(std::max(r.width(), r.height())) < options.min_face_size) continue;
    faces.push_back({r, double(f.score)});
  }
  std::stable_sort(faces.begin(), faces.end(), [](const detection& a, const detection& b) { return a.rect.area() > b.rect.area(); });
  return faces;
}

}  // namespace

std::vector<detection> detect_faces(const rgb_image& image, const detect_options& options) {
  if (options.detector == detector_kind::cnn) return detect_cnn(image, options);
  std::vector<dlib::rect_detection> found;
  double scale = 1;
  {
    auto detector = detectors().take();
    // Each doubling quadruples the pixels held (and HOG's feature pyramid with them): doubling stops before the image
    // passes max_upsampled_pixels, so a large photo with upsample 2 cannot take gigabytes. Faces in such photos are
    // large enough for fewer doublings.
    int upsample = options.upsample;
    while (upsample > 0 && double(image.size()) * std::pow(4.0, upsample) > max_upsampled_pixels) --upsample;
    if (upsample <= 0) {
      (*detector)(image, found, options.adjust_threshold);
    } else {
      rgb_image larger = image;
      for (int i = 0; i < upsample; ++i) {
        dlib::pyramid_up(larger);
        scale *= 2;
      }
      (*detector)(larger, found, options.adjust_threshold);
    }
  }

  std::vector<detection> faces;
  for (const auto& d : found) {
    dlib::rectangle r(std::lround(d.rect.left() / scale), std::lround(d.rect.top() / scale),
                      std::lround(d.rect.right() / scale), std::lround(d.rect.bottom() / scale));
    if (double(std::max(r.width(), r.height())) < options.min_face_size) continue;
    faces.push_back({r, d.detection_confidence});
  }
  std::stable_sort(faces.begin(), faces.end(), [](const detection& a, const detection& b) { return a.rect.area() > b.rect.area(); });
  return faces;
}

void release_detectors() { detectors().clear(); }

}  // namespace face
