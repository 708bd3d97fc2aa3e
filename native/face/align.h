// Stage 4: align each face into the square chip the encoder expects (dlib's face-chip geometry).
#pragma once
#include <dlib/image_processing/full_object_detection.h>

#include <vector>

#include "decode.h"

namespace face {

constexpr unsigned long chip_size = 150;
constexpr double chip_padding = 0.25;
// The chip sizes and paddings extract_chips is given (the Align export refuses others; exported in `limits`).
constexpr unsigned long min_chip_size = 16, max_chip_size = 1024;
constexpr double max_chip_padding = 2;

// requires: shapes with 68 or 5 parts; min_chip_size <= size <= max_chip_size; 0 <= padding <= max_chip_padding.
std::vector<rgb_image> extract_chips(const rgb_image& image, const std::vector<dlib::full_object_detection>& shapes,
                                     unsigned long size = chip_size, double padding = chip_padding);

}  // namespace face
