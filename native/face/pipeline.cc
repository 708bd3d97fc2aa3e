// Stage 6: one call for every stage, encoding all faces of the image in one batch.
#include "pipeline.h"

#include "align.h"

namespace face {

std::vector<analyzed_face> analyze_image(const rgb_image& image, const analyze_options& options, const model_set& models) {
  std::vector<detection> faces = detect_faces(image, options.detect);
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

}  // namespace face
