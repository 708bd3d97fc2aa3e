// Stage 4: face chips from landmarks.
#include "align.h"

#include <dlib/image_transforms.h>

namespace face {

std::vector<rgb_image> extract_chips(const rgb_image& image, const std::vector<dlib::full_object_detection>& shapes, unsigned long size,
                                     double padding) {
  std::vector<dlib::chip_details> details;
  details.reserve(shapes.size());
  for (const auto& shape : shapes) details.push_back(dlib::get_face_chip_details(shape, size, padding));
  dlib::array<rgb_image> chips;
  dlib::extract_image_chips(image, details, chips);
  return std::vector<rgb_image>(chips.begin(), chips.end());
}

}  // namespace face
