// Stage 1: format sniffing, header-only size checks and decoding (OpenCV for most formats,
// giflib for GIF, which Debian's OpenCV 4.6 does not read).
#include "decode.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "errors.h"

namespace face {
namespace {

uint32_t be16(const uint8_t* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t le16(const uint8_t* p) { return (uint32_t(p[1]) << 8) | p[0]; }
uint32_t be32(const uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
uint32_t le32(const uint8_t* p) { return (le16(p + 2) << 16) | le16(p); }
uint32_t le24(const uint8_t* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16); }

face_error truncated(const char* what) {
  return face_error("INVALID_IMAGE", std::string("The ") + what + " header is cut short or corrupt; the file is not a readable image.");
}

// The EXIF orientation (tag 0x0112) in an APP1 segment's payload p[0..n), or 0 when there is none.
int exif_orientation(const uint8_t* p, size_t n) {
  if (n < 14 || std::memcmp(p, "Exif\0\0", 6) != 0) return 0;
  const uint8_t* t = p + 6;
  const size_t tn = n - 6;
  const bool le = t[0] == 'I' && t[1] == 'I';
  if (!le && !(t[0] == 'M' && t[1] == 'M')) return 0;
  auto u16 = [&](size_t o) -> uint32_t { return o + 2 > tn ? 0 : le ? t[o] | (t[o + 1] << 8) : (t[o] << 8) | t[o + 1]; };
  auto u32 = [&](size_t o) -> uint32_t { return o + 4 > tn ? 0 : le ? u16(o) | (u16(o + 2) << 16) : (u16(o) << 16) | u16(o + 2); };
  const size_t ifd = u32(4);
  if (ifd + 2 > tn) return 0;
  const uint32_t entries = u16(ifd);
  for (uint32_t k = 0; k < entries && ifd + 2 + 12 * (k + 1) <= tn; ++k) {
    const size_t e = ifd + 2 + 12 * k;
    if (u16(e) == 0x0112) {
      const uint32_t v = u16(e + 8);
      return v >= 1 && v <= 8 ? int(v) : 0;
    }
  }
  return 0;
}

image_info jpeg_info(const uint8_t* d, size_t n) {
  size_t i = 2;
  int orientation = 0;
  while (i + 1 < n) {
    if (d[i] != 0xFF) {
      ++i;
      continue;
    }  // tolerate stray bytes between segments
    uint8_t marker = d[i + 1];
    if (marker == 0xFF) {
      ++i;
      continue;
    }  // fill byte
    if (marker == 0x00) {
      i += 2;
      continue;
    }  // stuffed zero: data, not a marker (libjpeg skips it too)
    i += 2;
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;  // no length field
    if (marker == 0xD9 || i + 2 > n) break;
    uint32_t length = be16(d + i);
    if (length < 2) break;
    bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (i + 7 > n) break;
      uint32_t height = be16(d + i + 3), width = be16(d + i + 5);
      if (width == 0 || height == 0) throw truncated("JPEG");
      return {image_format::jpeg, width, height, orientation};
    }
    if (marker == 0xE1 && !orientation && i + length <= n) orientation = exif_orientation(d + i + 2, length - 2);
    i += length;
  }
  throw truncated("JPEG");
}

image_info webp_info(const uint8_t* d, size_t n) {
  if (n < 30) throw truncated("WebP");
  if (!std::memcmp(d + 12, "VP8X", 4)) return {image_format::webp, le24(d + 24) + 1ull, le24(d + 27) + 1ull};
  if (!std::memcmp(d + 12, "VP8L", 4)) {
    if (d[20] != 0x2F) throw truncated("WebP");
    uint32_t bits = le32(d + 21);
    return {image_format::webp, (bits & 0x3FFF) + 1ull, ((bits >> 14) & 0x3FFF) + 1ull};
  }
  if (!std::memcmp(d + 12, "VP8 ", 4)) {
    if (d[23] != 0x9D || d[24] != 0x01 || d[25] != 0x2A) throw truncated("WebP");
    return {image_format::webp, le16(d + 26) & 0x3FFFu, le16(d + 28) & 0x3FFFu};
  }
  throw face_error("UNSUPPORTED_FORMAT", "This WebP variant is not supported.");
}

image_info tiff_info(const uint8_t* d, size_t n) {
  bool little = d[0] == 'I';
  auto u16 = [&](size_t at) { return little ? le16(d + at) : be16(d + at); };
  auto u32 = [&](size_t at) { return little ? le32(d + at) : be32(d + at); };
  if (n < 8) throw truncated("TIFF");
  uint64_t ifd = u32(4);
  if (ifd + 2 > n) throw truncated("TIFF");
  uint32_t entries = u16(ifd);
  uint64_t width = 0, height = 0;
  for (uint32_t e = 0; e < entries; ++e) {
    uint64_t at = ifd + 2 + 12ull * e;
    if (at + 12 > n) throw truncated("TIFF");
    uint32_t tag = u16(at), type = u16(at + 2);
    uint64_t value = type == 3 ? u16(at + 8) : u32(at + 8);
    // The first occurrence counts, as in libtiff: a repeated tag must not hide the real size.
    if (tag == 256 && !width) width = value;
    if (tag == 257 && !height) height = value;
  }
  if (!width || !height) throw truncated("TIFF");
  return {image_format::tiff, width, height};
}

face_error too_large(uint64_t width, uint64_t height, uint64_t max_pixels) {
  return face_error("IMAGE_TOO_LARGE", "The image is " + std::to_string(width) + "x" + std::to_string(height) + " (" +
                                           std::to_string(width * height) + " pixels); the limit is " + std::to_string(max_pixels) +
                                           " pixels. Send a smaller image.");
}

// giflib reads from this cursor over the caller's bytes.
struct gif_source {
  const uint8_t* data;
  size_t size;
  size_t at;
};

int gif_read(GifFileType* gif, GifByteType* into, int wanted) {
  auto* src = static_cast<gif_source*>(gif->UserData);
  size_t n = std::min<size_t>(size_t(std::max(wanted, 0)), src->size - src->at);
  std::memcpy(into, src->data + src->at, n);
  src->at += n;
  return int(n);
}

// Decodes the first frame of a GIF onto its logical screen (transparent pixels become white).
rgb_image decode_gif(const uint8_t* data, size_t size, uint64_t max_pixels) {
  gif_source src{data, size, 0};
  int error = 0;
  GifFileType* gif = DGifOpen(&src, gif_read, &error);
  if (!gif) throw face_error("INVALID_IMAGE", std::string("The GIF cannot be read: ") + GifErrorString(error));
  struct closer {
    GifFileType* g;
    ~closer() {
      int e;
      DGifCloseFile(g, &e);
    }
  } close_on_exit{gif};

  const uint64_t screen_w = gif->SWidth, screen_h = gif->SHeight;
  if (!screen_w || !screen_h) throw truncated("GIF");
  if (screen_w * screen_h > max_pixels) throw too_large(screen_w, screen_h, max_pixels);

  int transparent = -1;
  GifRecordType record;
  do {
    if (DGifGetRecordType(gif, &record) == GIF_ERROR) throw truncated("GIF");
    if (record == EXTENSION_RECORD_TYPE) {
      int code;
      GifByteType* ext;
      if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR) throw truncated("GIF");
      if (code == GRAPHICS_EXT_FUNC_CODE && ext && ext[0] >= 4) {
        GraphicsControlBlock gcb;
        if (DGifExtensionToGCB(ext[0], ext + 1, &gcb) == GIF_OK) transparent = gcb.TransparentColor;
      }
      while (ext) {
        if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR) throw truncated("GIF");
      }
    } else if (record == IMAGE_DESC_RECORD_TYPE) {
      if (DGifGetImageDesc(gif) == GIF_ERROR) throw truncated("GIF");
      const GifImageDesc& desc = gif->Image;
      const ColorMapObject* map = desc.ColorMap ? desc.ColorMap : gif->SColorMap;
      if (!map || desc.Width <= 0 || desc.Height <= 0) throw truncated("GIF");
      if (uint64_t(desc.Width) * uint64_t(desc.Height) > max_pixels) throw too_large(desc.Width, desc.Height, max_pixels);

      std::vector<GifPixelType> line(desc.Width);
      rgb_image out(static_cast<long>(screen_h), static_cast<long>(screen_w));
      out = dlib::rgb_pixel(255, 255, 255);
      auto put_row = [&](int row) {
        if (DGifGetLine(gif, line.data(), desc.Width) == GIF_ERROR) throw truncated("GIF");
        long y = desc.Top + row;
        if (y < 0 || y >= long(screen_h)) return;
        for (int c = 0; c < desc.Width; ++c) {
          long x = desc.Left + c;
          int index = line[c];
          if (x < 0 || x >= long(screen_w) || index == transparent || index >= map->ColorCount) continue;
          const GifColorType& color = map->Colors[index];
          out(y, x) = dlib::rgb_pixel(color.Red, color.Green, color.Blue);
        }
      };
      if (desc.Interlace) {
        static const int start[] = {0, 4, 2, 1}, step[] = {8, 8, 4, 2};
        for (int pass = 0; pass < 4; ++pass)
          for (int row = start[pass]; row < desc.Height; row += step[pass]) put_row(row);
      } else {
        for (int row = 0; row < desc.Height; ++row) put_row(row);
      }
      return out;
    }
  } while (record != TERMINATE_RECORD_TYPE);
  throw face_error("INVALID_IMAGE", "The GIF holds no image frame.");
}

}  // namespace

rgb_image rgb_from_bgr(const cv::Mat& bgr) {
  rgb_image out(bgr.rows, bgr.cols);
  for (int r = 0; r < bgr.rows; ++r) {
    const uint8_t* src = bgr.ptr<uint8_t>(r);
    for (int c = 0; c < bgr.cols; ++c, src += 3) out(r, c) = dlib::rgb_pixel(src[2], src[1], src[0]);
  }
  return out;
}

const char* format_name(image_format format) {
  switch (format) {
    case image_format::jpeg: return "jpeg";
    case image_format::png: return "png";
    case image_format::webp: return "webp";
    case image_format::bmp: return "bmp";
    case image_format::gif: return "gif";
    case image_format::tiff: return "tiff";
  }
  return "unknown";
}

image_info read_image_info(const uint8_t* d, size_t n) {
  if (n == 0) throw face_error("INVALID_IMAGE", "The image is empty (0 bytes).");
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return jpeg_info(d, n);
  if (n >= 8 && !std::memcmp(d, "\x89PNG\r\n\x1a\n", 8)) {
    if (n < 24 || std::memcmp(d + 12, "IHDR", 4)) throw truncated("PNG");
    uint32_t width = be32(d + 16), height = be32(d + 20);
    if (!width || !height) throw truncated("PNG");
    return {image_format::png, width, height};
  }
  if (n >= 6 && (!std::memcmp(d, "GIF87a", 6) || !std::memcmp(d, "GIF89a", 6))) {
    if (n < 10) throw truncated("GIF");
    return {image_format::gif, le16(d + 6), le16(d + 8)};
  }
  if (n >= 2 && d[0] == 'B' && d[1] == 'M') {
    if (n < 26) throw truncated("BMP");
    uint32_t header = le32(d + 14);
    if (header == 12) return {image_format::bmp, le16(d + 18), le16(d + 20)};
    int32_t width = int32_t(le32(d + 18)), height = int32_t(le32(d + 22));
    if (width <= 0 || height == 0 || height == INT32_MIN) throw truncated("BMP");
    return {image_format::bmp, uint64_t(width), uint64_t(height < 0 ? -int64_t(height) : height)};
  }
  if (n >= 12 && !std::memcmp(d, "RIFF", 4) && !std::memcmp(d + 8, "WEBP", 4)) return webp_info(d, n);
  if (n >= 4 && (!std::memcmp(d, "II*\0", 4) || !std::memcmp(d, "MM\0*", 4))) return tiff_info(d, n);
  throw face_error("UNSUPPORTED_FORMAT",
                   "The bytes are not a JPEG, PNG, WebP, BMP, GIF or TIFF image (the format is read from the content, "
                   "not the file name).");
}

rgb_image image_input::materialize(image_info* info, uint64_t keep_pixels) const {
  if (!is_encoded) return pixels;
  return decode_image(encoded.data(), encoded.size(), max_pixels, info, keep_pixels);
}

rgb_image decode_image(const uint8_t* data, size_t size, uint64_t max_pixels, image_info* info_out, uint64_t keep_pixels) {
  if (max_pixels == 0) throw invalid_argument("Expected a positive maxPixels.");
  image_info info = read_image_info(data, size);
  if (info_out) *info_out = info;
  if (info.width * info.height > max_pixels) throw too_large(info.width, info.height, max_pixels);
  if (info.format == image_format::gif) return decode_gif(data, size, max_pixels);

  int reduce = 1;
  if (info.format == image_format::jpeg && keep_pixels > 0)
    while (reduce < 8 && info.width * info.height >= keep_pixels * 4 * uint64_t(reduce * reduce)) reduce *= 2;
  const int flags = reduce == 8   ? cv::IMREAD_REDUCED_COLOR_8
                    : reduce == 4 ? cv::IMREAD_REDUCED_COLOR_4
                    : reduce == 2 ? cv::IMREAD_REDUCED_COLOR_2
                                  : cv::IMREAD_COLOR;
  if (info_out) info_out->reduced_by = reduce;
  cv::Mat bgr;
  try {
    // IMREAD_COLOR turns grey, palette, 16-bit and alpha images into 8-bit BGR and applies EXIF orientation
    // (so do the REDUCED flags).
    bgr = cv::imdecode(cv::Mat(1, int(size), CV_8UC1, const_cast<uint8_t*>(data)), flags);
  } catch (const cv::Exception& e) {
    throw face_error("INVALID_IMAGE", std::string("The ") + format_name(info.format) + " image cannot be decoded: " + e.what());
  }
  if (bgr.empty() || bgr.type() != CV_8UC3)
    throw face_error("INVALID_IMAGE",
                     std::string("The ") + format_name(info.format) + " image is corrupt or cut short and cannot be decoded.");
  // Second guard: a header the sniffer read differently from the decoder must not let a large image through.
  if (uint64_t(bgr.cols) * uint64_t(bgr.rows) > max_pixels) throw too_large(uint64_t(bgr.cols), uint64_t(bgr.rows), max_pixels);
  return rgb_from_bgr(bgr);
}

}  // namespace face
