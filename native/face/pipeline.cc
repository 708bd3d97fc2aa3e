// Stage 6: one call for every stage, encoding all faces of the image in one batch.
#include "pipeline.h"

#include <algorithm>
#include <cmath>

#include <dlib/image_transforms.h>

#include "align.h"

namespace face {
namespace {

// The image turned clockwise by `degrees` (90, 180 or 270).
rgb_image turned(const rgb_image& in, int degrees) {
  const long h = in.nr(), w = in.nc();
  rgb_image out;
  if (degrees == 180) out.set_size(h, w);
  else out.set_size(w, h);
  for (long y = 0; y < h; ++y)
    for (long x = 0; x < w; ++x) {
      if (degrees == 90) out(x, h - 1 - y) = in(y, x);        // (x, y) -> (h-1-y, x)
      else if (degrees == 270) out(w - 1 - x, y) = in(y, x);  // (x, y) -> (y, w-1-x)
      else out(h - 1 - y, w - 1 - x) = in(y, x);
    }
  return out;
}

// A point of the copy turned by `degrees` back in the original w x h image.
dlib::point unturn(const dlib::point& p, int degrees, long w, long h) {
  if (degrees == 90) return dlib::point(p.y(), h - 1 - p.x());
  if (degrees == 270) return dlib::point(w - 1 - p.y(), p.x());
  if (degrees == 180) return dlib::point(w - 1 - p.x(), h - 1 - p.y());
  return p;
}

dlib::rectangle unturn(const dlib::rectangle& r, int degrees, long w, long h) {
  dlib::rectangle out;
  out += unturn(r.tl_corner(), degrees, w, h);
  out += unturn(r.br_corner(), degrees, w, h);
  return out;
}

std::vector<analyzed_face> analyze_upright(const rgb_image& image, const analyze_options& options, const model_set& models,
                                           std::vector<detection> faces) {
  if (options.max_faces >= 0 && faces.size() > size_t(options.max_faces)) faces.resize(options.max_faces);
  if (faces.empty()) return {};

  std::vector<dlib::rectangle> rects;
  for (const auto& f : faces) rects.push_back(f.rect);
  auto shapes = find_landmarks(*models.shape_predictor, image, rects);
  auto chips = extract_chips(image, shapes);
  auto descriptors = models.encoder->encode(chips, options.jitter, 16);

  std::vector<analyzed_face> out;
  out.reserve(faces.size());
  for (size_t i = 0; i < faces.size(); ++i) {
    out.push_back({faces[i], std::move(shapes[i]), std::move(descriptors[i]), chip_sharpness(chips[i])});
  }
  return out;
}

// The CNN on upright johns chips scores 0.998 and more; turned a quarter or upside down it finds 12-23 of the 55, at
// median scores of 0.79-0.87 (at most 0.993). Below this score the largest face may be a sideways one.
constexpr double cnn_sure_score = 0.995;

// The turn (90, 270 or 180 clockwise) under which the face `f` scores best, if better than upright and sure; else 0.
// Looks only at the square twice the face's size around it, so the three extra searches are small.
int turn_of_face(const rgb_image& image, const detection& f, const detect_options& detect) {
  const long side = 2 * std::max(f.rect.width(), f.rect.height());
  const dlib::rectangle around = dlib::centered_rect(dlib::center(f.rect), side, side).intersect(dlib::get_rect(image));
  if (around.is_empty()) return 0;
  rgb_image crop = dlib::subm(image, around);
  const dlib::point face_centre = dlib::center(f.rect) - around.tl_corner();
  const long face_side = std::max(f.rect.width(), f.rect.height());
  int best_turn = 0;
  double best = std::max(f.score, cnn_sure_score);
  for (int degrees : {90, 270, 180}) {
    // Where the face's centre lands in the turned crop: only a face there counts.
    const dlib::point c = degrees == 90    ? dlib::point(crop.nr() - 1 - face_centre.y(), face_centre.x())
                          : degrees == 270 ? dlib::point(face_centre.y(), crop.nc() - 1 - face_centre.x())
                                           : dlib::point(crop.nc() - 1 - face_centre.x(), crop.nr() - 1 - face_centre.y());
    for (const detection& g : detect_faces(turned(crop, degrees), detect)) {
      if (2 * std::max(g.rect.width(), g.rect.height()) < face_side) continue;
      if (4 * (dlib::center(g.rect) - c).length() > face_side) continue;
      if (g.score > best) best = g.score, best_turn = degrees;
    }
  }
  return best_turn;
}

}  // namespace

double chip_sharpness(const rgb_image& chip) {
  const long h = chip.nr(), w = chip.nc();
  if (h < 8 || w < 8) return 0;
  auto grey = [&](long y, long x) {
    const dlib::rgb_pixel& p = chip(y, x);
    return 0.299 * p.red + 0.587 * p.green + 0.114 * p.blue;
  };
  double sum = 0, sum2 = 0;
  long n = 0;
  for (long y = h / 4; y < h - h / 4; ++y)
    for (long x = w / 4; x < w - w / 4; ++x) {
      const double lap = grey(y - 1, x) + grey(y + 1, x) + grey(y, x - 1) + grey(y, x + 1) - 4 * grey(y, x);
      sum += lap;
      sum2 += lap * lap;
      ++n;
    }
  const double mean = sum / n;
  return sum2 / n - mean * mean;
}

void scale_faces(std::vector<analyzed_face>& faces, double sx, double sy) {
  const auto x = [sx](long v) { return std::lround(v * sx); };
  const auto y = [sy](long v) { return std::lround(v * sy); };
  for (analyzed_face& f : faces) {
    const dlib::rectangle& r = f.face.rect;
    f.face.rect = dlib::rectangle(x(r.left()), y(r.top()), x(r.right() + 1) - 1, y(r.bottom() + 1) - 1);
    for (unsigned long k = 0; k < f.shape.num_parts(); ++k) f.shape.part(k) = dlib::point(x(f.shape.part(k).x()), y(f.shape.part(k).y()));
    f.shape.get_rect() = f.face.rect;
  }
}

analysis_result analyze_image(const rgb_image& image, const analyze_options& options, const model_set& models) {
  detect_options detect = options.detect;
  if (!detect.cnn) detect.cnn = models.cnn;
  analysis_result result;
  std::vector<detection> faces = detect_faces(image, detect);

  std::vector<int> turns;
  size_t must_find = 1;  // faces a turned copy must hold (of turned_min_face_size) to replace the upright answer
  // Turned copies of a very large image would cost more than they are likely to find (such photos carry their
  // orientation in EXIF): they are tried up to 4 times the pixels detection looks at.
  const bool may_turn = double(image.nr()) * double(image.nc()) <= 4 * max_detect_pixels;
  if (options.try_rotations && options.max_faces != 0 && may_turn) {
    if (faces.empty()) {
      turns = {90, 270, 180};
    } else if (detect.detector == detector_kind::cnn) {
      const auto largest = std::max_element(faces.begin(), faces.end(), [](const detection& a, const detection& b) {
        return std::max(a.rect.width(), a.rect.height()) < std::max(b.rect.width(), b.rect.height());
      });
      if (largest->score < cnn_sure_score) {
        if (int turn = turn_of_face(image, *largest, detect)) turns = {turn};
        must_find = std::max<size_t>(1, std::count_if(faces.begin(), faces.end(), [&](const detection& f) {
                                       return double(std::max(f.rect.width(), f.rect.height())) >= options.turned_min_face_size;
                                     }));
      }
    }
  }
  // Faces in a turned copy count only from turned_min_face_size, so the copies are searched only down to that size:
  // the CNN's pyramid starts there, and HOG upsamples only as far as that size needs (its window is 80 px).
  detect_options turned_detect = detect;
  turned_detect.min_face_size = std::max(detect.min_face_size, options.turned_min_face_size);
  if (turned_detect.detector == detector_kind::hog)
    while (turned_detect.upsample > 0 && 80.0 / double(1 << (turned_detect.upsample - 1)) <= turned_detect.min_face_size)
      --turned_detect.upsample;
  const long w = image.nc(), h = image.nr();
  for (int degrees : turns) {
    detect.deadline.check();
    rgb_image copy = turned(image, degrees);
    std::vector<detection> found = detect_faces(copy, turned_detect);
    found.erase(std::remove_if(
                    found.begin(), found.end(),
                    [&](const detection& f) { return double(std::max(f.rect.width(), f.rect.height())) < options.turned_min_face_size; }),
                found.end());
    if (found.size() < must_find) continue;
    result.faces = analyze_upright(copy, options, models, std::move(found));
    result.rotation = degrees;
    for (analyzed_face& f : result.faces) {
      f.face.rect = unturn(f.face.rect, degrees, w, h);
      for (unsigned long k = 0; k < f.shape.num_parts(); ++k) f.shape.part(k) = unturn(f.shape.part(k), degrees, w, h);
      f.shape.get_rect() = f.face.rect;
    }
    return result;
  }
  detect.deadline.check();
  result.faces = analyze_upright(image, options, models, std::move(faces));
  return result;
}

}  // namespace face
