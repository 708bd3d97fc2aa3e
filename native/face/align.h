// Stage 4: align each face into the square chip the encoder expects (dlib's face-chip geometry).
#pragma once
#include <dlib/image_processing/full_object_detection.h>

#include <vector>

#include "decode.h"

namespace face {

constexpr unsigned long chip_size = 150;
constexpr double chip_padding = 0.25;

// requires: shapes with 68 or 5 parts.
std::vector<rgb_image> extract_chips(const rgb_image& image, const std::vector<dlib::full_object_detection>& shapes,
                                     unsigned long size = chip_size, double padding = chip_padding);

}  // namespace face
