// Stage 6: one call for every stage, encoding all faces of the image in one batch.
#include "pipeline.h"

#include <algorithm>
#include <cmath>
#include <map>

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
  auto descriptors = models.encoder->encode(extract_chips(image, shapes), options.jitter, 16);

  std::vector<analyzed_face> out;
  out.reserve(faces.size());
  for (size_t i = 0; i < faces.size(); ++i) out.push_back({faces[i], std::move(shapes[i]), std::move(descriptors[i])});
  return out;
}

}  // namespace

// The clockwise turn that makes a face of this roll upright: 0 when it is within 45 degrees of upright.
static int upright_turn(double roll) {
  if (std::abs(roll) <= 45) return 0;
  if (roll > 45 && roll < 135) return 270;
  if (roll < -45 && roll > -135) return 90;
  return 180;
}

analysis_result analyze_image(const rgb_image& image, const analyze_options& options, const model_set& models) {
  detect_options detect = options.detect;
  if (!detect.cnn) detect.cnn = models.cnn;
  analysis_result result;
  std::vector<detection> faces = detect_faces(image, detect);

  std::vector<int> turns;
  if (options.try_rotations && options.max_faces != 0) {
    if (faces.empty()) {
      turns = {90, 270, 180};
    } else {
      // Most faces sideways the same way: the photo is turned.
      std::map<int, size_t> votes;
      for (const auto& f : faces) votes[upright_turn(f.roll)]++;
      for (const auto& [turn, count] : votes)
        if (turn != 0 && count * 2 > faces.size()) turns = {turn};
    }
  }
  const long w = image.nc(), h = image.nr();
  for (int degrees : turns) {
    rgb_image copy = turned(image, degrees);
    std::vector<detection> found = detect_faces(copy, detect);
    found.erase(std::remove_if(found.begin(), found.end(),
                               [&](const detection& f) {
                                 return double(std::max(f.rect.width(), f.rect.height())) < options.turned_min_face_size;
                               }),
                found.end());
    if (found.empty()) continue;
    result.faces = analyze_upright(copy, options, models, std::move(found));
    result.rotation = degrees;
    for (analyzed_face& f : result.faces) {
      f.face.rect = unturn(f.face.rect, degrees, w, h);
      for (unsigned long k = 0; k < f.shape.num_parts(); ++k) f.shape.part(k) = unturn(f.shape.part(k), degrees, w, h);
      f.shape.get_rect() = f.face.rect;
    }
    return result;
  }
  result.faces = analyze_upright(image, options, models, std::move(faces));
  return result;
}

}  // namespace face
