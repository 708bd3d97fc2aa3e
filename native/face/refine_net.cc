// R-Net's and O-Net's weights out of the ONNX nets, rearranged for the kernels (channels last, channel counts padded
// to whole vectors with zero weights); and the two nets on OpenCV's DNN module.
#include "refine_net.h"

#include <algorithm>
#include <cmath>

#include "net_weights.h"
#include "pnet.h"

namespace face {

using mtcnn::padded;

int refine_net::channels() const {
  for (auto l = w_.layers.rbegin(); l != w_.layers.rend(); ++l)
    if (!l->is_pool) return l->out;
  return 3;
}

void refine_net::add_conv(const std::string& node, const std::string& prelu_node) {
  const cv::Mat& W = onnx_blob(net_, node, 0);  // [oc][ic][kx][ky]: the ONNX graph saw images transposed
  CV_Assert(W.dims == 4 && W.size[2] == W.size[3]);
  const int oc = W.size[0], ic = W.size[1], k = W.size[2];
  mtcnn::refine_weights::layer c;
  c.k = k;
  c.in = channels();
  c.out = padded(oc);
  CV_Assert(ic <= c.in);
  c.w.assign(static_cast<size_t>(k) * k * c.in * c.out, 0.f);
  const float* src = W.ptr<float>();
  for (int o = 0; o < oc; ++o)
    for (int i = 0; i < ic; ++i)
      for (int kx = 0; kx < k; ++kx)
        for (int ky = 0; ky < k; ++ky)
          c.w[((static_cast<size_t>(ky) * k + kx) * c.in + i) * c.out + o] = src[((static_cast<size_t>(o) * ic + i) * k + kx) * k + ky];
  c.bias = blob_values(onnx_blob(net_, node, 1), oc, c.out);
  c.slope = blob_values(onnx_blob(net_, prelu_node, 0), oc, c.out);
  w_.layers.push_back(std::move(c));
}

void refine_net::add_pool(int k, bool same) {
  mtcnn::refine_weights::layer l;
  l.is_pool = true;
  l.pool_k = k;
  l.same = same;
  w_.layers.push_back(std::move(l));
}

// The dense layer reads the last feature map flattened as the ONNX graph does, [x][y][c] of its transposed image;
// ours is [y][x][c padded], so rows are reordered once here.
void refine_net::load_dense(const std::string& node, const std::string& bias, const std::string& prelu, int side, int channels) {
  const int padded_channels = this->channels();
  const cv::Mat& W = onnx_blob(net_, node, 0);  // [out][in]
  w_.hidden = W.size[0];
  CV_Assert(W.size[1] == side * side * channels && w_.hidden % mtcnn::pad_lanes == 0);
  w_.flat = side * side * padded_channels;
  w_.dense_w.assign(static_cast<size_t>(w_.flat) * w_.hidden, 0.f);
  const float* src = W.ptr<float>();
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      for (int c = 0; c < channels; ++c) {
        const int ours = (y * side + x) * padded_channels + c, theirs = (x * side + y) * channels + c;
        for (int o = 0; o < w_.hidden; ++o)
          w_.dense_w[static_cast<size_t>(ours) * w_.hidden + o] = src[static_cast<size_t>(o) * W.size[1] + theirs];
      }
  w_.dense_b = blob_values(onnx_blob(net_, bias, 0), w_.hidden);
  w_.dense_slope = blob_values(onnx_blob(net_, prelu, 0), w_.hidden);
}

// Heads: "inner product node:bias node" pairs, in output order (classifier first: background, face).
void refine_net::load_heads(const std::vector<std::string>& heads) {
  int total = 0;
  for (const std::string& h : heads) total += onnx_blob(net_, h.substr(0, h.find(':')), 0).size[0];
  w_.head_out = padded(total);
  w_.head_w.assign(static_cast<size_t>(w_.hidden) * w_.head_out, 0.f);
  w_.head_b.assign(w_.head_out, 0.f);
  int at = 0;
  for (const std::string& h : heads) {
    const cv::Mat& W = onnx_blob(net_, h.substr(0, h.find(':')), 0);  // [out][in]
    const cv::Mat& B = onnx_blob(net_, h.substr(h.find(':') + 1), 0);
    const int n = W.size[0];
    CV_Assert(W.size[1] == w_.hidden && static_cast<int>(B.total()) == n);
    for (int o = 0; o < n; ++o) {
      for (int i = 0; i < w_.hidden; ++i)
        w_.head_w[static_cast<size_t>(i) * w_.head_out + at + o] = W.ptr<float>()[static_cast<size_t>(o) * w_.hidden + i];
      w_.head_b[at + o] = B.ptr<float>()[o];
    }
    at += n;
  }
  w_.outputs = total - 1;  // the two classifier values become one logit
}

refine_net refine_net::rnet(cv::dnn::Net net) {
  refine_net r;
  r.net_ = net;
  r.w_.input = 24;
  r.add_conv("conv2d_5", "p_re_lu_3");
  r.add_pool(3, true);
  r.add_conv("conv2d_6", "p_re_lu_4");
  r.add_pool(3, false);
  r.add_conv("conv2d_7", "p_re_lu_5");
  r.load_dense("dense", "Add2", "p_re_lu_6", 3, 64);
  r.load_heads({"dense_1:Add1", "dense_2:Add"});
  r.opencv_outputs_ = {"dense_2", "softmax_1"};
  return r;
}

refine_net refine_net::onet(cv::dnn::Net net) {
  refine_net r;
  r.net_ = net;
  r.w_.input = 48;
  r.add_conv("conv2d_8", "p_re_lu_7");
  r.add_pool(3, true);
  r.add_conv("conv2d_9", "p_re_lu_8");
  r.add_pool(3, false);
  r.add_conv("conv2d_10", "p_re_lu_9");
  r.add_pool(2, true);
  r.add_conv("conv2d_11", "p_re_lu_10");
  r.load_dense("dense_3", "Add3", "p_re_lu_11", 3, 128);
  r.load_heads({"dense_4:Add2", "dense_5:Add", "dense_6:Add1"});
  r.opencv_outputs_ = {"dense_5", "dense_6", "softmax_2"};
  return r;
}

void refine_net::run(const float* crop, float* out, mtcnn::target target) const { mtcnn::run_refine(w_, crop, out, target); }

void refine_net::run_opencv(const std::vector<cv::Mat>& crops, float* result) const {
  if (crops.empty()) return;
  net_.setInput(mtcnn_blob_normalised(crops));
  std::vector<cv::Mat> heads;
  net_.forward(heads, opencv_outputs_);
  const int n = outputs();
  for (size_t k = 0; k < crops.size(); ++k) {
    float* r = result + k * n;
    // The logit back from the softmax: exact enough that the probability made of it again is OpenCV's own.
    const float* p = heads.back().ptr<float>() + k * 2;
    r[0] = std::log(p[1]) - std::log(p[0]);
    int at = 1;
    for (size_t h = 0; h + 1 < heads.size(); ++h) {
      const int width = heads[h].size[1];
      for (int c = 0; c < width; ++c) r[at++] = heads[h].ptr<float>()[k * width + c];
    }
  }
}

}  // namespace face
