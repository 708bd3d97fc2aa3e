// Runs the kernels on the check data's inputs, compares with OpenCV's outputs, and reads and writes the data.
#include "mtcnn_check.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace face::mtcnn {
namespace {

float sigmoid(float logit) { return 1.f / (1.f + std::exp(-logit)); }

void tally(net_agreement& a, float ours, float theirs) {
  ++a.compared;
  a.faces_ours += ours >= 0.7f;
  a.faces_opencv += theirs >= 0.7f;
  a.max_score_diff = std::max(a.max_score_diff, double(std::abs(ours - theirs)));
}

void compare_crops(net_agreement& a, const refine_weights& net, const check_data::crops& c, target t) {
  const size_t side = net.input, others = net.outputs - 1;
  if (c.pixels.size() != c.count * side * side * 3 || c.outputs.size() != c.count * others)
    throw std::runtime_error("the check data's crops do not match the net's input and outputs");
  std::vector<float> ours(net.outputs);
  for (int k = 0; k < c.count; ++k) {
    run_refine(net, c.pixels.data() + k * side * side * 3, ours.data(), t);
    tally(a, sigmoid(ours[0]), c.prob[k]);
    for (size_t i = 0; i < others; ++i)
      a.max_output_diff = std::max(a.max_output_diff, double(std::abs(ours[1 + i] - c.outputs[k * others + i])));
  }
}

// The file: a tag, then every field in order; vectors as a 32-bit count and their values.
constexpr char tag[8] = {'M', 'T', 'C', 'N', 'N', 'C', 'K', '1'};

struct writer {
  std::ofstream out;
  void num(int32_t v) { out.write(reinterpret_cast<const char*>(&v), sizeof v); }
  template <typename T> void vec(const std::vector<T>& v) {
    num(static_cast<int32_t>(v.size()));
    out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(T)));
  }
};

struct reader {
  std::ifstream in;
  int32_t num() {
    int32_t v = 0;
    if (!in.read(reinterpret_cast<char*>(&v), sizeof v)) throw std::runtime_error("the check data ends early");
    return v;
  }
  template <typename T> std::vector<T> vec() {
    const int32_t n = num();
    if (n < 0 || n > (1 << 28)) throw std::runtime_error("the check data holds a bad count");
    std::vector<T> v(n);
    if (!in.read(reinterpret_cast<char*>(v.data()), std::streamsize(v.size() * sizeof(T))))
      throw std::runtime_error("the check data ends early");
    return v;
  }
};

void put(writer& w, const refine_weights& r) {
  w.num(r.input);
  w.num(r.outputs);
  w.num(static_cast<int32_t>(r.layers.size()));
  for (const refine_weights::layer& l : r.layers) {
    for (int v : {int(l.is_pool), l.k, l.in, l.out, l.pool_k, int(l.same)}) w.num(v);
    w.vec(l.w);
    w.vec(l.bias);
    w.vec(l.slope);
  }
  for (const std::vector<float>* v : {&r.dense_w, &r.dense_b, &r.dense_slope, &r.head_w, &r.head_b}) w.vec(*v);
  w.num(r.flat);
  w.num(r.hidden);
  w.num(r.head_out);
}

refine_weights get_refine(reader& r) {
  refine_weights n;
  n.input = r.num();
  n.outputs = r.num();
  const int32_t layers = r.num();
  if (layers < 0 || layers > 64) throw std::runtime_error("the check data holds a bad layer count");
  for (int i = 0; i < layers; ++i) {
    refine_weights::layer l;
    l.is_pool = r.num() != 0;
    l.k = r.num();
    l.in = r.num();
    l.out = r.num();
    l.pool_k = r.num();
    l.same = r.num() != 0;
    l.w = r.vec<float>();
    l.bias = r.vec<float>();
    l.slope = r.vec<float>();
    n.layers.push_back(std::move(l));
  }
  for (std::vector<float>* v : {&n.dense_w, &n.dense_b, &n.dense_slope, &n.head_w, &n.head_b}) *v = r.vec<float>();
  n.flat = r.num();
  n.hidden = r.num();
  n.head_out = r.num();
  return n;
}

void put(writer& w, const check_data::crops& c) {
  w.num(c.count);
  w.vec(c.pixels);
  w.vec(c.prob);
  w.vec(c.outputs);
}

check_data::crops get_crops(reader& r) {
  check_data::crops c;
  c.count = r.num();
  c.pixels = r.vec<float>();
  c.prob = r.vec<float>();
  c.outputs = r.vec<float>();
  if (c.count < 0 || c.prob.size() != size_t(c.count)) throw std::runtime_error("the check data's crops disagree");
  return c;
}

}  // namespace

agreement compare(const check_data& data, target t) {
  agreement a;
  pnet_workspace work;
  pnet_maps maps;
  for (const check_data::level& level : data.levels) {
    run_pnet(data.pnet, level.rgb.data(), level.rows, level.cols, size_t(level.cols) * 3, maps, work, t);
    const size_t n = size_t(maps.width) * maps.height;
    if (level.prob.size() != n || level.reg.size() != 4 * n)
      throw std::runtime_error("the check data's P-Net outputs do not match the level's size");
    for (size_t i = 0; i < n; ++i) tally(a.pnet, sigmoid(maps.logit[i]), level.prob[i]);
    for (size_t i = 0; i < 4 * n; ++i)
      a.pnet.max_output_diff = std::max(a.pnet.max_output_diff, double(std::abs(maps.reg[i] - level.reg[i])));
  }
  compare_crops(a.rnet, data.rnet, data.rnet_crops, t);
  compare_crops(a.onet, data.onet, data.onet_crops, t);
  return a;
}

void write_check_data(const std::string& file, const check_data& data) {
  writer w{std::ofstream(file, std::ios::binary)};
  if (!w.out) throw std::runtime_error("cannot write " + file);
  w.out.write(tag, sizeof tag);
  const pnet_weights& p = data.pnet;
  for (const std::vector<float>* v : {&p.w1, &p.w2, &p.w3, &p.w4, &p.b1, &p.b2, &p.b3, &p.b4, &p.a1, &p.a2, &p.a3}) w.vec(*v);
  put(w, data.rnet);
  put(w, data.onet);
  w.num(static_cast<int32_t>(data.levels.size()));
  for (const check_data::level& l : data.levels) {
    w.num(l.rows);
    w.num(l.cols);
    w.vec(l.rgb);
    w.vec(l.prob);
    w.vec(l.reg);
  }
  put(w, data.rnet_crops);
  put(w, data.onet_crops);
  if (!w.out.flush()) throw std::runtime_error("cannot write " + file);
}

check_data read_check_data(const std::string& file) {
  reader r{std::ifstream(file, std::ios::binary)};
  char got[sizeof tag] = {};
  if (!r.in || !r.in.read(got, sizeof got) || std::memcmp(got, tag, sizeof tag) != 0)
    throw std::runtime_error(file + " is missing or not MTCNN check data");
  check_data d;
  pnet_weights& p = d.pnet;
  for (std::vector<float>* v : {&p.w1, &p.w2, &p.w3, &p.w4, &p.b1, &p.b2, &p.b3, &p.b4, &p.a1, &p.a2, &p.a3}) *v = r.vec<float>();
  d.rnet = get_refine(r);
  d.onet = get_refine(r);
  const int32_t levels = r.num();
  if (levels < 0 || levels > 64) throw std::runtime_error("the check data holds a bad level count");
  for (int i = 0; i < levels; ++i) {
    check_data::level l;
    l.rows = r.num();
    l.cols = r.num();
    l.rgb = r.vec<uint8_t>();
    l.prob = r.vec<float>();
    l.reg = r.vec<float>();
    if (l.rows < 12 || l.cols < 12 || l.rgb.size() != size_t(l.rows) * l.cols * 3)
      throw std::runtime_error("the check data's pyramid level is damaged");
    d.levels.push_back(std::move(l));
  }
  d.rnet_crops = get_crops(r);
  d.onet_crops = get_crops(r);
  return d;
}

}  // namespace face::mtcnn
