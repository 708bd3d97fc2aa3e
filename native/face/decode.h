// Stage 1: decode encoded image bytes into RGB pixels.
// The format is sniffed from the bytes; the pixel count is checked from the header
// before any pixel is decoded, so a small file claiming a huge size costs nothing.
#pragma once
#include <dlib/image_processing/generic_image.h>
#include <dlib/matrix.h>
#include <dlib/pixel.h>
#include <cstddef>
#include <cstdint>

#include <vector>

namespace cv {
class Mat;
}

namespace face {

using rgb_image = dlib::matrix<dlib::rgb_pixel>;

// The widest and tallest raw RGB image the addon takes from JavaScript (exported in the addon's `limits`).
constexpr long max_image_side = 65535;

enum class image_format { jpeg, png, webp, bmp, gif, tiff };

struct image_info {
  image_format format;
  uint64_t width;
  uint64_t height;
  int orientation = 0;  // JPEG: the EXIF orientation tag (1..8), 0 when absent or another format
  int reduced_by = 1;   // set by decode_image: the image was decoded at 1/reduced_by of its size (JPEG only)
};

const char* format_name(image_format format);

// ensures: the format and stored size of the image in data[0..size).
// throws face_error UNSUPPORTED_FORMAT (not an image we read) or INVALID_IMAGE (header cut short or absurd).
image_info read_image_info(const uint8_t* data, size_t size);

// requires: max_pixels > 0.
// ensures: the first frame as RGB with the EXIF orientation applied; info receives the header's facts.
//          With keep_pixels > 0, a JPEG is decoded reduced (libjpeg's DCT scaling: 1/2, 1/4 or 1/8, which costs
//          a fraction of a full decode) by the largest of those factors that leaves it at least keep_pixels;
//          info->reduced_by says by how much.
// throws face_error IMAGE_TOO_LARGE before decoding when width*height > max_pixels,
//        INVALID_IMAGE when the pixels cannot be decoded, UNSUPPORTED_FORMAT for unknown bytes.
rgb_image decode_image(const uint8_t* data, size_t size, uint64_t max_pixels, image_info* info = nullptr, uint64_t keep_pixels = 0);

// An image as the caller gave it: encoded bytes (decoded in the worker) or raw RGB pixels.
struct image_input {
  std::vector<uint8_t> encoded;
  rgb_image pixels;
  bool is_encoded = true;
  uint64_t max_pixels = 0;  // always set by the caller (there is no default here); must be > 0

  // Runs in the worker: decodes when needed (keep_pixels as in decode_image). info is filled for encoded input.
  rgb_image materialize(image_info* info = nullptr, uint64_t keep_pixels = 0) const;
};

// requires: an 8-bit, 3-channel BGR image (OpenCV's order). ensures: the same pixels as RGB.
rgb_image rgb_from_bgr(const cv::Mat& bgr);

}  // namespace face
