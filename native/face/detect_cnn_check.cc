// Runs each MTCNN net through cv::dnn::Net::forward on inputs taken from a photo and keeps the outputs.
#include "detect_cnn_check.h"

#include <algorithm>
#include <cmath>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "pnet.h"
#include "refine_net.h"

namespace face {
namespace {

cv::Mat normalised(const cv::Mat& rgb8) {
  cv::Mat f;
  rgb8.convertTo(f, CV_32F, 0.0078125, -127.5 * 0.0078125);
  return f;
}

void reference_crops(mtcnn::check_data::crops& c, const std::string& file, bool onet, const std::vector<cv::Mat>& crops) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(file);
  net.setInput(mtcnn_blob_normalised(crops));
  std::vector<cv::Mat> out;
  net.forward(out, onet ? std::vector<cv::String>{"dense_5", "dense_6", "softmax_2"} : std::vector<cv::String>{"dense_2", "softmax_1"});
  c.count = static_cast<int>(crops.size());
  for (size_t i = 0; i < crops.size(); ++i) {
    c.pixels.insert(c.pixels.end(), crops[i].ptr<float>(), crops[i].ptr<float>() + crops[i].total() * 3);
    c.prob.push_back(out.back().ptr<float>()[i * 2 + 1]);
    for (int k = 0; k < 4; ++k) c.outputs.push_back(out[0].ptr<float>()[i * 4 + k]);
    if (onet)
      for (int k = 0; k < 10; ++k) c.outputs.push_back(out[1].ptr<float>()[i * 10 + k]);
  }
}

}  // namespace

mtcnn::check_data mtcnn_check_data(const std::string& dir, const rgb_image& photo, int crops) {
  const cv::Mat rgb(int(photo.nr()), int(photo.nc()), CV_8UC3, const_cast<void*>(static_cast<const void*>(dlib::image_data(photo))),
                    dlib::width_step(photo));
  CV_Assert(rgb.rows >= 80 && rgb.cols >= 80);
  mtcnn::check_data data;
  data.pnet = pnet(cv::dnn::readNetFromONNX(dir + "/pnet.onnx")).weights();
  data.rnet = refine_net::rnet(cv::dnn::readNetFromONNX(dir + "/rnet.onnx")).weights();
  data.onet = refine_net::onet(cv::dnn::readNetFromONNX(dir + "/onet.onnx")).weights();

  cv::dnn::Net net = cv::dnn::readNetFromONNX(dir + "/pnet.onnx");
  for (double scale : {0.6, 0.3, 0.15}) {
    cv::Mat level;
    cv::resize(rgb, level, cv::Size(int(std::ceil(rgb.cols * scale)), int(std::ceil(rgb.rows * scale))), 0, 0, cv::INTER_AREA);
    net.setInput(mtcnn_blob({level}));
    std::vector<cv::Mat> out;
    net.forward(out, std::vector<cv::String>{"conv2d_4", "softmax"});
    const cv::Mat &reg = out[0], &prob = out[1];  // [1][x][y][c]
    const int w = prob.size[1], h = prob.size[2];
    mtcnn::check_data::level l;
    l.rows = level.rows;
    l.cols = level.cols;
    l.rgb.assign(level.data, level.data + level.total() * 3);
    l.prob.resize(size_t(w) * h);
    l.reg.resize(size_t(4) * w * h);
    for (int x = 0; x < w; ++x)
      for (int y = 0; y < h; ++y) {
        const size_t theirs = size_t(x) * h + y, ours = size_t(y) * w + x;
        l.prob[ours] = prob.ptr<float>()[theirs * 2 + 1];
        for (int c = 0; c < 4; ++c) l.reg[size_t(c) * w * h + ours] = reg.ptr<float>()[theirs * 4 + c];
      }
    data.levels.push_back(std::move(l));
  }

  cv::RNG rng(20261205);
  std::vector<cv::Mat> small, large;
  for (int i = 0; i < crops; ++i) {
    const int side = rng.uniform(20, std::min({200, rgb.cols, rgb.rows}) + 1);
    const cv::Rect r(rng.uniform(0, rgb.cols - side + 1), rng.uniform(0, rgb.rows - side + 1), side, side);
    cv::Mat f, s, l;
    rgb(r).convertTo(f, CV_32F);
    cv::resize(f, s, cv::Size(24, 24), 0, 0, cv::INTER_AREA);
    cv::resize(f, l, cv::Size(48, 48), 0, 0, cv::INTER_AREA);
    small.push_back(normalised(s));
    large.push_back(normalised(l));
  }
  if (crops > 0) {
    reference_crops(data.rnet_crops, dir + "/rnet.onnx", false, small);
    reference_crops(data.onet_crops, dir + "/onet.onnx", true, large);
  }
  return data;
}

}  // namespace face
