// Reads conv, affine and fc parameters out of dlib's network and lays the same graph out as OpenCV DNN layers.
#include "encode_opencv.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "errors.h"

namespace face {
namespace {

constexpr int chip_size = 150;
constexpr int descriptor_size = 128;

face_error not_resnet(const std::string& why) {
  return face_error("MODEL_NOT_FOUND", "The face recognition network cannot be rebuilt for OpenCV: " + why + ".");
}

// Adds layers one by one; every layer has one output, layer 0 is the network input.
class graph {
 public:
  int add(const std::string& type, cv::dnn::LayerParams params, const std::vector<int>& inputs) {
    params.type = type;
    params.name = type + "_" + std::to_string(count_++);
    const int id = net.addLayer(params.name, type, params);
    for (size_t i = 0; i < inputs.size(); ++i) net.connect(inputs[i], 0, id, int(i));
    return id;
  }
  int relu(int in) { return add("ReLU", cv::dnn::LayerParams(), {in}); }
  // dlib's pooling: no padding, output size rounded down.
  int pool(const char* kind, int size, int stride, int in) {
    cv::dnn::LayerParams p;
    p.set("pool", kind);
    p.set("kernel_size", size);
    p.set("stride", stride);
    p.set("pad", 0);
    p.set("ceil_mode", false);
    return add("Pooling", p, {in});
  }
  cv::dnn::Net net;

 private:
  int count_ = 0;
};

}  // namespace

opencv_resnet::opencv_resnet(resnet::anet_type& net) {
  struct raw_con {
    const dlib::tensor* params;
    long out, rows, cols;
    int stride_y, stride_x, pad_y, pad_x;
    bool bias;
  };
  std::vector<raw_con> cons;
  std::vector<std::pair<std::vector<float>, std::vector<float>>> affines;  // gamma, beta
  const dlib::tensor* fc = nullptr;
  dlib::visit_computational_layers(net, [&](auto& layer) {
    using L = std::decay_t<decltype(layer)>;
    if constexpr (resnet::is_con<L>::value) {
      cons.push_back({&layer.get_layer_params(), long(layer.num_filters()), long(layer.nr()), long(layer.nc()), int(layer.stride_y()),
                      int(layer.stride_x()), int(layer.padding_y()), int(layer.padding_x()), !layer.bias_is_disabled()});
    } else if constexpr (std::is_same_v<L, dlib::affine_>) {
      auto gamma = layer.get_gamma();
      auto beta = layer.get_beta();
      affines.emplace_back(std::vector<float>(gamma.host(), gamma.host() + gamma.size()),
                           std::vector<float>(beta.host(), beta.host() + beta.size()));
    } else if constexpr (resnet::is_fc<L>::value) {
      fc = &layer.get_layer_params();
    }
  });
  // visit_computational_layers walks from the output down.
  std::reverse(cons.begin(), cons.end());
  std::reverse(affines.begin(), affines.end());
  if (cons.size() != 29 || affines.size() != 29 || !fc || fc->size() % descriptor_size != 0)
    throw not_resnet("it does not have 29 conv and 29 affine layers and a 128-wide fc layer");

  for (size_t l = 0; l < cons.size(); ++l) {
    const raw_con& c = cons[l];
    const std::vector<float>& gamma = affines[l].first;
    const std::vector<float>& beta = affines[l].second;
    const long window = c.rows * c.cols;
    const long in = (long(c.params->size()) - (c.bias ? c.out : 0)) / (c.out * window);
    if (in <= 0 || long(c.params->size()) != c.out * in * window + (c.bias ? c.out : 0))
      throw not_resnet("conv layer " + std::to_string(l) + " has no parameters");
    if (long(gamma.size()) != c.out || long(beta.size()) != c.out)
      throw not_resnet("affine layer " + std::to_string(l) + " does not work per channel");
    const int sizes[] = {int(c.out), int(in), int(c.rows), int(c.cols)};
    cv::Mat weights(4, sizes, CV_32F), bias(1, int(c.out), CV_32F);
    const float* src = c.params->host();  // dlib: filters [out, in, rows, cols], then the bias
    float* dst = weights.ptr<float>();
    for (long o = 0; o < c.out; ++o) {
      const long n = in * window;
      for (long i = 0; i < n; ++i) dst[o * n + i] = src[o * n + i] * gamma[o];
      bias.at<float>(0, int(o)) = (c.bias ? src[c.out * n + o] : 0.f) * gamma[o] + beta[o];
    }
    convs_.push_back({weights, bias, int(c.rows), int(c.cols), c.stride_y, c.stride_x, c.pad_y, c.pad_x});
  }

  // dlib's fc_ computes in[n, 256] * W[256, 128]; OpenCV's InnerProduct wants W transposed.
  const int inputs = int(fc->size() / descriptor_size);
  fc_ = cv::Mat(inputs, descriptor_size, CV_32F, const_cast<float*>(fc->host())).t();

  const auto& input = net.input_layer();
  mean_red_ = input.get_avg_red();
  mean_green_ = input.get_avg_green();
  mean_blue_ = input.get_avg_blue();
}

cv::dnn::Net opencv_resnet::make_net() const {
  graph g;
  size_t next = 0;
  int channels = 3, size = chip_size;
  auto convolution = [&](int in) {
    const conv& c = convs_.at(next++);
    cv::dnn::LayerParams p;
    p.set("kernel_h", c.rows);
    p.set("kernel_w", c.cols);
    p.set("stride_h", c.stride_y);
    p.set("stride_w", c.stride_x);
    p.set("pad_h", c.pad_y);
    p.set("pad_w", c.pad_x);
    p.set("num_output", c.weights.size[0]);
    p.set("bias_term", true);
    p.blobs = {c.weights, c.bias};  // shared by every network made; OpenCV only reads them
    return g.add("Convolution", p, {in});
  };
  auto out_size = [](int size, const conv& c) { return (size + 2 * c.pad_y - c.rows) / c.stride_y + 1; };

  // con 7x7/2, affine, relu, max_pool 3x3/2
  size = out_size(size, convs_[0]);
  channels = convs_[0].weights.size[0];
  int x = g.pool("max", 3, 2, g.relu(convolution(0)));
  size = (size - 3) / 2 + 1;

  // ares / ares_down: relu(block(x) + x), or relu(block(x) + avg_pool 2x2/2 (x)) when the block's first conv strides.
  // dlib adds tensors of different sizes as though the smaller were zero padded at the end of each dimension.
  auto residual = [&]() {
    const conv& first = convs_.at(next);
    const conv& second = convs_.at(next + 1);
    const bool down = first.stride_y != 1;
    int main = convolution(g.relu(convolution(x)));
    int main_size = out_size(out_size(size, first), second);
    const int main_channels = second.weights.size[0];
    int shortcut = x, shortcut_size = size;
    if (down) {
      shortcut = g.pool("ave", 2, 2, x);
      shortcut_size = (size - 2) / 2 + 1;
    }
    if (main_size < shortcut_size) {
      const int extra = shortcut_size - main_size;
      const int pads[] = {0, 0, 0, 0, 0, extra, 0, extra};
      cv::dnn::LayerParams p;
      p.set("paddings", cv::dnn::DictValue::arrayInt(pads, 8));
      p.set("value", 0.f);
      main = g.add("Padding", p, {main});
      main_size = shortcut_size;
    } else if (main_size != shortcut_size) {
      throw not_resnet("a residual block's shortcut is smaller than its output");
    }
    if (main_channels < channels) throw not_resnet("a residual block narrows the channels");
    cv::dnn::LayerParams sum;
    sum.set("operation", "sum");
    // the wider input first: the narrower one is added to its first channels
    if (main_channels != channels) sum.set("output_channels_mode", "input_0");
    x = g.relu(g.add("Eltwise", sum, {main, shortcut}));
    size = main_size;
    channels = main_channels;
  };
  while (next < convs_.size()) residual();

  cv::dnn::LayerParams average;
  average.set("pool", "ave");
  average.set("global_pooling", true);
  x = g.add("Pooling", average, {x});
  cv::dnn::LayerParams fc;
  fc.set("num_output", descriptor_size);
  fc.set("bias_term", false);
  fc.blobs = {fc_};
  g.add("InnerProduct", fc, {x});

  g.net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  g.net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return g.net;
}

std::vector<dlib::matrix<float, 0, 1>> opencv_resnet::encode(cv::dnn::Net& net, const std::vector<rgb_image>& chips,
                                                             unsigned long batch_size) const {
  std::vector<dlib::matrix<float, 0, 1>> out;
  out.reserve(chips.size());
  const size_t batch = std::max<unsigned long>(batch_size, 1);
  constexpr int area = chip_size * chip_size;
  for (size_t start = 0; start < chips.size(); start += batch) {
    const int n = int(std::min(batch, chips.size() - start));
    // dlib's input_rgb_image_sized: NCHW, RGB, (value - channel mean) / 256
    const int sizes[] = {n, 3, chip_size, chip_size};
    cv::Mat blob(4, sizes, CV_32F);
    for (int i = 0; i < n; ++i) {
      const rgb_image& chip = chips[start + i];
      if (chip.nr() != chip_size || chip.nc() != chip_size) throw invalid_argument("A face chip is not 150x150.");
      float* red = blob.ptr<float>(i, 0);
      float* green = blob.ptr<float>(i, 1);
      float* blue = blob.ptr<float>(i, 2);
      const dlib::rgb_pixel* px = &chip(0, 0);
      for (int k = 0; k < area; ++k) {
        red[k] = (px[k].red - mean_red_) / 256.0f;
        green[k] = (px[k].green - mean_green_) / 256.0f;
        blue[k] = (px[k].blue - mean_blue_) / 256.0f;
      }
    }
    net.setInput(blob);
    const cv::Mat result = net.forward();
    for (int i = 0; i < n; ++i) {
      const float* row = result.ptr<float>(i);
      out.emplace_back(descriptor_size);
      std::copy(row, row + descriptor_size, &out.back()(0));
    }
  }
  return out;
}

}  // namespace face
