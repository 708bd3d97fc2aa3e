// MTCNN's nets as direct convolutions, compiled once per instruction set by Highway's foreach_target.h (this file
// includes itself once per target; each pass defines the kernels in its own namespace with that target's
// instructions switched on) and called through HWY_EXPORT's table at the index of the chosen target.
//
// P-Net: each output row a vector of pixels at a time, one accumulator per output channel of a block, every input value
// loaded once per block and multiplied by broadcast weights. Planes are stored channel by channel, rows padded to a
// multiple of 16 floats (plus 16), so a vector never needs a bounds check; columns past a layer's valid width hold
// finite garbage that no valid output reads.
// R-Net / O-Net: channels last; for a few neighbouring output pixels at once, every input value is broadcast and
// multiplied into vectors of output channels, so each weight vector loaded serves several pixels. A padded channel has
// zero weights, is always 0 and adds nothing.

// aarch64's scalable vectors (SVE) cannot be kept in arrays as these kernels keep their accumulators; NEON is used there.
#ifndef HWY_DISABLED_TARGETS
#define HWY_DISABLED_TARGETS (HWY_SVE | HWY_SVE2 | HWY_SVE_256 | HWY_SVE2_128)
#endif

#include "face/mtcnn_nets.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "face/mtcnn_nets.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace face::mtcnn {
namespace HWY_NAMESPACE {
namespace {

namespace hn = hwy::HWY_NAMESPACE;
using D = hn::CappedTag<float, pad_lanes>;
using V = hn::Vec<D>;
constexpr int L = static_cast<int>(hn::MaxLanes(D()));
static_assert(pad_lanes % L == 0, "the padding must hold whole vectors");
// AVX-512 and NEON have 32 vector registers, SSE and AVX2 16: how many accumulators a block may keep.
constexpr bool many_registers = HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_NEON;

HWY_INLINE V prelu(V a, V slope) { return hn::IfThenElse(hn::Gt(a, hn::Zero(D())), a, hn::Mul(a, slope)); }

// Row stride of a P-Net plane `cols` wide: every vector a 3x3 kernel reads from it stays inside the row.
inline int stride_for(int cols) { return padded(cols) + pad_lanes; }

// One block of OB output channels of a 3x3 convolution (stride 1, no padding) followed by PReLU. With 32 registers
// all OB accumulators stay in registers, one vector of pixels at a time; with 16, PASS channels at a time over U
// vectors of pixels, so each broadcast weight serves U vectors (passes re-read the input, which sits in L1).
template <int IC, int OB>
void conv3x3_prelu(const float* in, int in_plane, int in_stride, float* out, int out_plane, int out_stride, int rows, int cols,
                   const float* w, const float* bias, const float* slope) {
  constexpr bool split = !many_registers && OB % 4 == 0;
  constexpr int PASS = split ? 4 : OB, U = split ? 2 : 1;
  static_assert(U * L <= pad_lanes, "a step stays inside the row's padding");
  const D d;
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; x += U * L)
      for (int p0 = 0; p0 < OB; p0 += PASS) {
        V acc[PASS][U];
        for (int o = 0; o < PASS; ++o)
          for (int u = 0; u < U; ++u) acc[o][u] = hn::Set(d, bias[p0 + o]);
        for (int ic = 0; ic < IC; ++ic)
          for (int ky = 0; ky < 3; ++ky) {
            const float* row = in + ic * in_plane + (y + ky) * in_stride + x;
            const float* wk = w + (ic * 3 + ky) * 3 * OB + p0;
            V v[3][U];
            for (int t = 0; t < 3; ++t)
              for (int u = 0; u < U; ++u) v[t][u] = hn::LoadU(d, row + t + u * L);
            for (int o = 0; o < PASS; ++o)
              for (int t = 0; t < 3; ++t) {
                const V wt = hn::Set(d, wk[t * OB + o]);
                for (int u = 0; u < U; ++u) acc[o][u] = hn::MulAdd(v[t][u], wt, acc[o][u]);
              }
          }
        for (int o = 0; o < PASS; ++o) {
          const V sl = hn::Set(d, slope[p0 + o]);
          for (int u = 0; u < U; ++u) hn::StoreU(prelu(acc[o][u], sl), d, out + (p0 + o) * out_plane + y * out_stride + x + u * L);
        }
      }
}

// 2x2 max pooling, stride 2, the missing row/column of an odd size left out (ONNX SAME_UPPER).
void max_pool_2x2(const float* in, int in_plane, int in_stride, int in_rows, int in_cols, float* out, int out_plane, int out_stride,
                  int channels) {
  const int rows = (in_rows + 1) / 2, cols = (in_cols + 1) / 2;
  for (int c = 0; c < channels; ++c)
    for (int y = 0; y < rows; ++y) {
      const float* r0 = in + c * in_plane + 2 * y * in_stride;
      const float* r1 = 2 * y + 1 < in_rows ? r0 + in_stride : r0;
      float* o = out + c * out_plane + y * out_stride;
      const int pairs = in_cols / 2;
      for (int x = 0; x < pairs; ++x) o[x] = std::max(std::max(r0[2 * x], r0[2 * x + 1]), std::max(r1[2 * x], r1[2 * x + 1]));
      if (cols > pairs) o[pairs] = std::max(r0[2 * pairs], r1[2 * pairs]);
    }
}

// PX output pixels by NV vectors of output channels of a k x k convolution (channels last), then PReLU.
template <int PX, int NV>
HWY_INLINE void conv_block(const float* in, int in_w, int ic, int k, const float* w, int oc, const float* bias, const float* slope,
                           float* out) {
  const D d;
  V acc[PX][NV];
  for (int j = 0; j < NV; ++j) {
    const V b = hn::LoadU(d, bias + j * L);
    for (int p = 0; p < PX; ++p) acc[p][j] = b;
  }
  for (int ky = 0; ky < k; ++ky)
    for (int kx = 0; kx < k; ++kx) {
      const float* src = in + (ky * in_w + kx) * ic;
      const float* wk = w + (ky * k + kx) * ic * oc;
      for (int c = 0; c < ic; ++c) {
        V wv[NV];
        for (int j = 0; j < NV; ++j) wv[j] = hn::LoadU(d, wk + c * oc + j * L);
        for (int p = 0; p < PX; ++p) {
          const V s = hn::Set(d, src[p * ic + c]);
          for (int j = 0; j < NV; ++j) acc[p][j] = hn::MulAdd(s, wv[j], acc[p][j]);
        }
      }
    }
  for (int j = 0; j < NV; ++j) {
    const V sl = hn::LoadU(d, slope + j * L);
    for (int p = 0; p < PX; ++p) hn::StoreU(prelu(acc[p][j], sl), d, out + p * oc + j * L);
  }
}

// Pixels per block: as many as the vector registers hold accumulators for (NV * PX of them, plus NV weight vectors).
template <int NV> constexpr int pixels_per_block() {
  return many_registers ? (NV >= 4 ? 6 : NV == 3 ? 8 : NV == 2 ? 12 : 16) : (NV >= 3 ? 3 : NV == 2 ? 5 : 8);
}

template <int NV>
void conv_rows(const float* in, int h, int w, int ic, int k, const float* wt, int oc, int oc0, const float* bias, const float* slope,
               float* out) {
  constexpr int PX = pixels_per_block<NV>();
  const int ho = h - k + 1, wo = w - k + 1;
  for (int y = 0; y < ho; ++y) {
    const float* src = in + y * w * ic;
    float* dst = out + y * wo * oc + oc0;
    int x = 0;
    for (; x + PX <= wo; x += PX) conv_block<PX, NV>(src + x * ic, w, ic, k, wt + oc0, oc, bias + oc0, slope + oc0, dst + x * oc);
    for (; x + 2 <= wo; x += 2) conv_block<2, NV>(src + x * ic, w, ic, k, wt + oc0, oc, bias + oc0, slope + oc0, dst + x * oc);
    for (; x < wo; ++x) conv_block<1, NV>(src + x * ic, w, ic, k, wt + oc0, oc, bias + oc0, slope + oc0, dst + x * oc);
  }
}

// Max pooling k x k, stride 2, channels last (c a multiple of 16). SAME_UPPER pads ceil(n/2)*2-2+k-n at the end
// (floor half of it at the start), the padding taking no part in the maximum.
void max_pool(const float* in, int h, int w, int c, int k, bool same, float* out, int& ho, int& wo) {
  const D d;
  int pad_y = 0, pad_x = 0;
  if (same) {
    ho = (h + 1) / 2;
    wo = (w + 1) / 2;
    pad_y = std::max(0, (ho - 1) * 2 + k - h) / 2;
    pad_x = std::max(0, (wo - 1) * 2 + k - w) / 2;
  } else {
    ho = (h - k) / 2 + 1;
    wo = (w - k) / 2 + 1;
  }
  for (int y = 0; y < ho; ++y)
    for (int x = 0; x < wo; ++x) {
      const int y0 = std::max(0, y * 2 - pad_y), y1 = std::min(h, y * 2 - pad_y + k);
      const int x0 = std::max(0, x * 2 - pad_x), x1 = std::min(w, x * 2 - pad_x + k);
      for (int j = 0; j < c; j += L) {
        V m = hn::LoadU(d, in + (y0 * w + x0) * c + j);
        for (int yy = y0; yy < y1; ++yy)
          for (int xx = x0; xx < x1; ++xx) m = hn::Max(m, hn::LoadU(d, in + (yy * w + xx) * c + j));
        hn::StoreU(m, d, out + (y * wo + x) * c + j);
      }
    }
}

// out[o] = sum_i in[i] * w[i][o] + b[o] (n_out a multiple of 16), PReLU if `slope`.
void dense(const float* in, int n_in, const float* w, const float* b, const float* slope, int n_out, float* out) {
  const D d;
  for (int o = 0; o < n_out; o += 4 * L) {
    const int nv = std::min(4, (n_out - o) / L);
    V acc[4];
    for (int j = 0; j < nv; ++j) acc[j] = hn::LoadU(d, b + o + j * L);
    for (int i = 0; i < n_in; ++i) {
      const V s = hn::Set(d, in[i]);
      for (int j = 0; j < nv; ++j) acc[j] = hn::MulAdd(s, hn::LoadU(d, w + i * n_out + o + j * L), acc[j]);
    }
    for (int j = 0; j < nv; ++j) hn::StoreU(slope ? prelu(acc[j], hn::LoadU(d, slope + o + j * L)) : acc[j], d, out + o + j * L);
  }
}

}  // namespace

void RunPnet(const pnet_weights& wt, const uint8_t* rgb, int H0, int W0, size_t row_bytes, pnet_maps& out, pnet_workspace& work) {
  const D d;
  const int S0 = stride_for(W0);
  const int H1 = H0 - 2, W1 = W0 - 2, S1 = stride_for(W1);              // conv 1
  const int H2 = (H1 + 1) / 2, W2 = (W1 + 1) / 2, S2 = stride_for(W2);  // pool
  const int H3 = H2 - 2, W3 = W2 - 2, S3 = stride_for(W3);              // conv 2
  const int H4 = H3 - 2, W4 = W3 - 2, S4 = stride_for(W4);              // conv 3, heads
  auto fit = [](std::vector<float>& b, size_t n) {
    if (b.size() < n) b.resize(n);
  };
  // The first convolution is kept two rows at a time (pooled at once) and the third one row at a time (the heads
  // read it at once): the level's own planes are the input's 3 and the quarter-size 10 + 16.
  fit(work.in, size_t(3) * H0 * S0);
  fit(work.c1, size_t(10) * 2 * S1);
  fit(work.p1, size_t(10) * H2 * S2);
  fit(work.c2, size_t(16) * H3 * S3);
  fit(work.c3, size_t(32) * S4);
  float *in = work.in.data(), *c1 = work.c1.data(), *p1 = work.p1.data(), *c2 = work.c2.data(), *c3 = work.c3.data();

  // Planes of (v - 127.5) / 128, zero past each row's end.
  for (int y = 0; y < H0; ++y) {
    const uint8_t* p = rgb + size_t(y) * row_bytes;
    for (int c = 0; c < 3; ++c) {
      float* row = in + (size_t(c) * H0 + y) * S0;
      for (int x = 0; x < W0; ++x) row[x] = (p[3 * x + c] - 127.5f) * 0.0078125f;
      std::fill(row + W0, row + S0, 0.f);
    }
  }
  for (int py = 0; py < H2; ++py) {
    const int rows = std::min(2, H1 - 2 * py);
    conv3x3_prelu<3, 10>(in + 2 * py * S0, H0 * S0, S0, c1, 2 * S1, S1, rows, W1, wt.w1.data(), wt.b1.data(), wt.a1.data());
    max_pool_2x2(c1, 2 * S1, S1, rows, W1, p1 + py * S2, H2 * S2, S2, 10);
  }
  conv3x3_prelu<10, 16>(p1, H2 * S2, S2, c2, H3 * S3, S3, H3, W3, wt.w2.data(), wt.b2.data(), wt.a2.data());

  out.width = W4;
  out.height = H4;
  out.logit.resize(size_t(W4) * H4);
  out.reg.resize(size_t(4) * W4 * H4);
  for (int y = 0; y < H4; ++y) {
    for (int block = 0; block < 2; ++block)
      conv3x3_prelu<16, 16>(c2 + y * S3, H3 * S3, S3, c3 + size_t(block) * 16 * S4, S4, S4, 1, W4,
                            wt.w3.data() + size_t(block) * 16 * 16 * 9, wt.b3.data() + block * 16, wt.a3.data() + block * 16);
    for (int x = 0; x < W4; x += L) {
      V acc[6];
      for (int o = 0; o < 6; ++o) acc[o] = hn::Set(d, wt.b4[o]);
      for (int i = 0; i < 32; ++i) {
        const V v = hn::LoadU(d, c3 + i * S4 + x);
        for (int o = 0; o < 6; ++o) acc[o] = hn::MulAdd(v, hn::Set(d, wt.w4[i * 6 + o]), acc[o]);
      }
      float lanes[6][L];
      for (int o = 0; o < 6; ++o) hn::StoreU(acc[o], d, lanes[o]);
      const int n = std::min(L, W4 - x);
      for (int k = 0; k < n; ++k) {
        const size_t at = size_t(y) * W4 + x + k;
        out.logit[at] = lanes[1][k] - lanes[0][k];
        for (int o = 0; o < 4; ++o) out.reg[size_t(o) * W4 * H4 + at] = lanes[2 + o][k];
      }
    }
  }
}

void RunRefine(const refine_weights& net, const float* crop, float* result) {
  // Two maps of at most the first convolution's output size (O-Net: 46 x 46 x 32 floats, 270 KB) per thread.
  thread_local std::vector<float> map_a, map_b;
  const size_t most = static_cast<size_t>(net.input) * net.input * std::max(net.layers[0].out, 3);
  if (map_a.size() < most) map_a.resize(most);
  if (map_b.size() < most) map_b.resize(most);
  const float* in = crop;
  int h = net.input, w = net.input, c = 3;
  float* out = map_a.data();
  for (const refine_weights::layer& l : net.layers) {
    if (l.is_pool) {
      int ho = 0, wo = 0;
      max_pool(in, h, w, c, l.pool_k, l.same, out, ho, wo);
      h = ho;
      w = wo;
    } else {
      for (int o = 0; o < l.out; o += 4 * L) {
        const float *wt = l.w.data(), *b = l.bias.data(), *s = l.slope.data();
        switch (std::min(4, (l.out - o) / L)) {
          case 4: conv_rows<4>(in, h, w, c, l.k, wt, l.out, o, b, s, out); break;
          case 3: conv_rows<3>(in, h, w, c, l.k, wt, l.out, o, b, s, out); break;
          case 2: conv_rows<2>(in, h, w, c, l.k, wt, l.out, o, b, s, out); break;
          default: conv_rows<1>(in, h, w, c, l.k, wt, l.out, o, b, s, out); break;
        }
      }
      h = h - l.k + 1;
      w = w - l.k + 1;
      c = l.out;
    }
    in = out;
    out = out == map_a.data() ? map_b.data() : map_a.data();
  }
  float hidden[512], heads[64];
  dense(in, net.flat, net.dense_w.data(), net.dense_b.data(), net.dense_slope.data(), net.hidden, hidden);
  dense(hidden, net.hidden, net.head_w.data(), net.head_b.data(), nullptr, net.head_out, heads);
  result[0] = heads[1] - heads[0];
  for (int i = 1; i < net.outputs; ++i) result[i] = heads[i + 1];
}

}  // namespace HWY_NAMESPACE
}  // namespace face::mtcnn
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace face::mtcnn {

HWY_EXPORT(RunPnet);
HWY_EXPORT(RunRefine);

namespace {

constexpr int64_t fallback_bits = HWY_SCALAR | HWY_EMU128;

// The targets compiled in, best (lowest bit) first.
std::vector<int64_t> compiled() {
  std::vector<int64_t> all;
  for (int64_t rest = HWY_TARGETS; rest != 0; rest &= rest - 1) all.push_back(rest & -rest);
  return all;
}

// Where a target's function sits in an HWY_EXPORT table: [0] is the first-call wrapper, then one entry per dynamic
// target in bit order, last the scalar fallback. A build for one target only has a table of one.
size_t table_index(int64_t bits) {
#if (HWY_TARGETS & (HWY_TARGETS - 1)) == 0
  (void)bits;
  return 0;
#else
  if (bits & fallback_bits) return HWY_MAX_DYNAMIC_TARGETS + 1;
  return hwy::Num0BitsBelowLS1Bit_Nonzero64(static_cast<uint64_t>(HWY_CHOSEN_TARGET_SHIFT(bits)));
#endif
}

std::atomic<int64_t> chosen{0};  // 0: the best supported

}  // namespace

const char* target::name() const {
  if (bits & fallback_bits) return "scalar";
  switch (bits) {
    case HWY_AVX3: return "avx512";
    case HWY_AVX2: return "avx2";
    case HWY_SSE4: return "sse4";
    case HWY_SSSE3: return "ssse3";
    case HWY_NEON: return "neon";
    default: return hwy::TargetName(bits);
  }
}

std::vector<target> supported_targets() {
  const int64_t cpu = HWY_SUPPORTED_TARGETS | fallback_bits;
  std::vector<target> out;
  for (int64_t bits : compiled())
    if (bits & cpu) out.push_back(target{bits});
  return out;
}

target find_target(const std::string& name) {
  std::string wanted = name;
  if (wanted == "baseline") wanted = HWY_ARCH_ARM ? "neon" : HWY_ARCH_X86 ? "ssse3" : "scalar";
  std::string choices;
  for (target t : supported_targets()) {
    if (wanted == t.name()) return t;
    choices += (choices.empty() ? "" : ", ") + std::string(t.name());
  }
  throw std::invalid_argument("this CPU cannot run the \"" + name + "\" kernels; it runs " + choices + " (or \"baseline\")");
}

target current_target() {
  static const int64_t best = supported_targets().front().bits;
  const int64_t bits = chosen.load(std::memory_order_relaxed);
  return target{bits ? bits : best};
}

void use_target(target t) { chosen.store(t.bits, std::memory_order_relaxed); }

size_t pnet_workspace::bytes() const {
  return (in.capacity() + c1.capacity() + p1.capacity() + c2.capacity() + c3.capacity()) * sizeof(float);
}

void pnet_workspace::release() {
  for (std::vector<float>* v : {&in, &c1, &p1, &c2, &c3}) std::vector<float>().swap(*v);
}

void run_pnet(const pnet_weights& w, const uint8_t* rgb, int rows, int cols, size_t row_bytes, pnet_maps& out, pnet_workspace& work,
              target t) {
  HWY_DISPATCH_TABLE(RunPnet)[table_index(t.bits)](w, rgb, rows, cols, row_bytes, out, work);
}

void run_refine(const refine_weights& w, const float* crop, float* out, target t) {
  // The kernels keep the dense layer's and the heads' outputs on the stack.
  if (w.layers.empty() || w.hidden > 512 || w.head_out > 64 || w.hidden % pad_lanes || w.head_out % pad_lanes)
    throw std::invalid_argument("R-Net / O-Net weights of an unexpected shape");
  HWY_DISPATCH_TABLE(RunRefine)[table_index(t.bits)](w, crop, out);
}

}  // namespace face::mtcnn
#endif  // HWY_ONCE
