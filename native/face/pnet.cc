// P-Net's weights out of the ONNX net, rearranged for the kernels; and P-Net on OpenCV's DNN module.
#include "pnet.h"

#include <cmath>
#include <cstring>

#include "net_weights.h"

namespace face {
namespace {

// [oc][ic][kx][ky] (ONNX, transposed image) -> [oc / ob][ic][ky][kx][oc % ob] (our orientation, blocks of ob).
std::vector<float> arrange(const cv::Mat& w, int ob) {
  CV_Assert(w.dims == 4 && w.type() == CV_32F && w.isContinuous());
  const int oc = w.size[0], ic = w.size[1], k = w.size[2];
  CV_Assert(w.size[3] == k && oc % ob == 0);
  const float* W = w.ptr<float>();
  std::vector<float> out(static_cast<size_t>(oc) * ic * k * k);
  for (int o = 0; o < oc; ++o)
    for (int i = 0; i < ic; ++i)
      for (int kx = 0; kx < k; ++kx)
        for (int ky = 0; ky < k; ++ky) {
          const int block = o / ob, lane = o % ob;
          out[((((static_cast<size_t>(block) * ic + i) * k + ky) * k + kx) * ob) + lane] =
              W[((static_cast<size_t>(o) * ic + i) * k + kx) * k + ky];
        }
  return out;
}

}  // namespace

pnet::pnet(cv::dnn::Net net) : net_(net) {
  w_.w1 = arrange(onnx_blob(net, "conv2d", 0), 10);
  w_.w2 = arrange(onnx_blob(net, "conv2d_1", 0), 16);
  w_.w3 = arrange(onnx_blob(net, "conv2d_2", 0), 16);
  w_.b1 = blob_values(onnx_blob(net, "conv2d", 1), 10);
  w_.b2 = blob_values(onnx_blob(net, "conv2d_1", 1), 16);
  w_.b3 = blob_values(onnx_blob(net, "conv2d_2", 1), 32);
  w_.a1 = blob_values(onnx_blob(net, "p_re_lu", 0), 10);
  w_.a2 = blob_values(onnx_blob(net, "p_re_lu_1", 0), 16);
  w_.a3 = blob_values(onnx_blob(net, "p_re_lu_2", 0), 32);
  // Heads (1x1): face/background (conv2d_3, 2 outputs) and box regression (conv2d_4, 4 outputs), kept as
  // [ic][6]: background, face, dx1, dy1, dx2, dy2.
  const std::vector<float> cls = blob_values(onnx_blob(net, "conv2d_3", 0), 2 * 32);
  const std::vector<float> box = blob_values(onnx_blob(net, "conv2d_4", 0), 4 * 32);
  const std::vector<float> cls_b = blob_values(onnx_blob(net, "conv2d_3", 1), 2);
  const std::vector<float> box_b = blob_values(onnx_blob(net, "conv2d_4", 1), 4);
  w_.w4.resize(32 * 6);
  for (int i = 0; i < 32; ++i) {
    for (int o = 0; o < 2; ++o) w_.w4[i * 6 + o] = cls[o * 32 + i];
    for (int o = 0; o < 4; ++o) w_.w4[i * 6 + 2 + o] = box[o * 32 + i];
  }
  w_.b4 = {cls_b[0], cls_b[1], box_b[0], box_b[1], box_b[2], box_b[3]};
}

void pnet::run(const cv::Mat& rgb, mtcnn::pnet_maps& out, mtcnn::pnet_workspace& work, mtcnn::target target) const {
  CV_Assert(rgb.type() == CV_8UC3 && rgb.rows >= 12 && rgb.cols >= 12);
  mtcnn::run_pnet(w_, rgb.ptr<uint8_t>(), rgb.rows, rgb.cols, rgb.step[0], out, work, target);
}

void pnet::run_opencv(const cv::Mat& rgb, mtcnn::pnet_maps& out) const {
  CV_Assert(rgb.type() == CV_8UC3 && rgb.rows >= 12 && rgb.cols >= 12);
  net_.setInput(mtcnn_blob({rgb}));
  std::vector<cv::Mat> heads;
  net_.forward(heads, std::vector<cv::String>{"conv2d_4", "softmax"});
  const cv::Mat &reg = heads[0], &prob = heads[1];  // [1][x][y][c]
  const int w = prob.size[1], h = prob.size[2];
  out.width = w;
  out.height = h;
  out.logit.resize(size_t(w) * h);
  out.reg.resize(size_t(4) * w * h);
  for (int x = 0; x < w; ++x)
    for (int y = 0; y < h; ++y) {
      const size_t theirs = size_t(x) * h + y, ours = size_t(y) * w + x;
      // The logit back from the softmax (see refine_net::run_opencv).
      out.logit[ours] = std::log(prob.ptr<float>()[theirs * 2 + 1]) - std::log(prob.ptr<float>()[theirs * 2]);
      for (int c = 0; c < 4; ++c) out.reg[size_t(c) * w * h + ours] = reg.ptr<float>()[theirs * 4 + c];
    }
}

cv::Mat mtcnn_blob_normalised(const std::vector<cv::Mat>& images) {
  const int sz[] = {static_cast<int>(images.size()), images[0].cols, images[0].rows, 3};
  cv::Mat blob(4, sz, CV_32F);
  for (size_t i = 0; i < images.size(); ++i) {
    CV_Assert(images[i].type() == CV_32FC3 && images[i].size() == images[0].size());
    cv::Mat t;
    cv::transpose(images[i], t);
    std::memcpy(blob.ptr<float>() + i * images[i].total() * 3, t.ptr<float>(), t.total() * 3 * sizeof(float));
  }
  return blob;
}

cv::Mat mtcnn_blob(const std::vector<cv::Mat>& rgb8) {
  std::vector<cv::Mat> f(rgb8.size());
  for (size_t i = 0; i < rgb8.size(); ++i) rgb8[i].convertTo(f[i], CV_32F, 0.0078125, -127.5 * 0.0078125);
  return mtcnn_blob_normalised(f);
}

}  // namespace face
