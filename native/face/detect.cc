// Stage 2: HOG or CNN face detection with optional upsampling, scores, size filter and largest-first order.
// Work is bounded by pixels, not by bytes: a large image is searched on a reduced copy.
#include "detect.h"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "detect_cnn.h"
#include "errors.h"
#include "pool.h"

namespace face {
namespace {

// HOG upsamples only while the doubled image stays under this (4 times what detection otherwise looks at).
constexpr double max_upsampled_pixels = 4 * max_detect_pixels;

object_pool<dlib::frontal_face_detector>& detectors() {
  static object_pool<dlib::frontal_face_detector> pool(
      [] { return std::make_unique<dlib::frontal_face_detector>(dlib::get_frontal_face_detector()); });
  return pool;
}

}  // namespace

namespace {

std::vector<detection> detect_cnn(const rgb_image& image, const detect_options& options) {
  if (!options.cnn)
    throw face_error("MODEL_NOT_FOUND",
                     "The CNN face detector's models (models/mtcnn/*.onnx) are not loaded. Run `npm run setup` to fetch them.");
  const double pyramid_min = options.min_face_size > 0 ? options.min_face_size : default_cnn_min_face;
  std::vector<detection> faces;
  for (const face_candidate& f : options.cnn->detect(image, float(pyramid_min), options.deadline)) {
    const cv::Rect2f b = hog_like_box(f);
    dlib::rectangle r(std::lround(b.x), std::lround(b.y), std::lround(b.x + b.width) - 1, std::lround(b.y + b.height) - 1);
    if (double(std::max(r.width(), r.height())) < options.min_face_size) continue;
    faces.push_back({r, double(f.score)});
  }
  std::stable_sort(faces.begin(), faces.end(), [](const detection& a, const detection& b) { return a.rect.area() > b.rect.area(); });
  return faces;
}

}  // namespace

namespace {

std::vector<detection> detect_at_size(const rgb_image& image, const detect_options& options);

// An image area copied with OpenCV's area filter (the right one for shrinking) into a new dlib image.
rgb_image shrunk(const rgb_image& image, double scale) {
  rgb_image out(std::max<long>(1, std::lround(image.nr() * scale)), std::max<long>(1, std::lround(image.nc() * scale)));
  cv::Mat from(int(image.nr()), int(image.nc()), CV_8UC3, const_cast<dlib::rgb_pixel*>(&image(0, 0)));
  cv::Mat to(int(out.nr()), int(out.nc()), CV_8UC3, &out(0, 0));
  cv::resize(from, to, to.size(), 0, 0, cv::INTER_AREA);
  return out;
}

}  // namespace

std::vector<detection> detect_faces(const rgb_image& image, const detect_options& options) {
  const double pixels = double(image.nr()) * double(image.nc());
  // A photo larger than detection needs (a 40-megapixel PNG costs seconds, however few bytes it has): search a copy
  // of max_detect_pixels, then give the boxes back in the image's own pixels.
  double scale = pixels > max_detect_pixels ? std::sqrt(max_detect_pixels / pixels) : 1.0;
  // The CNN looks no finer than its smallest face needs: asked for faces from 40 px, it searches a copy of half the
  // size from 20 px (the same pyramid, built from 4 times fewer pixels).
  if (options.detector == detector_kind::cnn && options.min_face_size > default_cnn_min_face)
    scale = std::min(scale, default_cnn_min_face / options.min_face_size);
  if (scale >= 1) return detect_at_size(image, options);
  detect_options reduced = options;
  reduced.min_face_size = options.min_face_size * scale;
  // The copy is searched down to the usual smallest face, not below: a pyramid to 12 px over 4 megapixels costs more
  // than the whole copy saves.
  if (options.detector == detector_kind::cnn) reduced.min_face_size = std::max(reduced.min_face_size, default_cnn_min_face);
  rgb_image copy = shrunk(image, scale);
  options.deadline.check();
  std::vector<detection> faces = detect_at_size(copy, reduced);
  for (detection& f : faces) {
    const dlib::rectangle& r = f.rect;
    f.rect = dlib::rectangle(std::lround(r.left() / scale), std::lround(r.top() / scale), std::lround((r.right() + 1) / scale) - 1,
                             std::lround((r.bottom() + 1) / scale) - 1);
  }
  return faces;
}

namespace {

std::vector<detection> detect_at_size(const rgb_image& image, const detect_options& options) {
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
    dlib::rectangle r(std::lround(d.rect.left() / scale), std::lround(d.rect.top() / scale), std::lround(d.rect.right() / scale),
                      std::lround(d.rect.bottom() / scale));
    if (double(std::max(r.width(), r.height())) < options.min_face_size) continue;
    faces.push_back({r, d.detection_confidence});
  }
  std::stable_sort(faces.begin(), faces.end(), [](const detection& a, const detection& b) { return a.rect.area() > b.rect.area(); });
  return faces;
}

}  // namespace

void release_detectors() { detectors().clear(); }

}  // namespace face
