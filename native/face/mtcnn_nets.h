// MTCNN's three nets as plain weights, and the vector kernels that run them (mtcnn_nets.cc). The kernels are compiled
// once per instruction set with Google Highway (AVX-512, AVX2, SSE4, SSSE3 and scalar on x86-64; NEON, the baseline of
// every aarch64 CPU, on aarch64) and the best one the CPU runs is used unless another is chosen. They depend on no
// library but Highway, so they also build alone into the cross-compiled check program (native/check/). Loading the
// weights out of the ONNX files is pnet.cc's and refine_net.cc's work; no Node-API and no OpenCV in here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace face::mtcnn {

// Planes and channel counts are padded to multiples of the widest vector (16 floats), so one layout serves every
// instruction set and a vector never needs a bounds check.
constexpr int pad_lanes = 16;
inline int padded(int n) { return (n + pad_lanes - 1) / pad_lanes * pad_lanes; }

// P-Net (12x12 windows, fully convolutional): weights arranged for the kernels.
struct pnet_weights {
  // Convolutions 3->10, 10->16, 16->32 (3x3) as [oc / ob][ic][ky][kx][oc % ob] in blocks of ob = 10, 16, 16 output
  // channels; heads (1x1, 32 -> 6) as [ic][6]: background, face, dx1, dy1, dx2, dy2.
  std::vector<float> w1, w2, w3, w4;
  std::vector<float> b1, b2, b3, b4;  // biases
  std::vector<float> a1, a2, a3;      // PReLU slopes
};

// P-Net's output over one pyramid level: for each 12x12 window at stride 2 (window (xi, yi) covers pixels
// 2*xi .. 2*xi+11, 2*yi .. 2*yi+11 of the level), the face score and the box regression.
struct pnet_maps {
  int width = 0, height = 0;  // windows across and down
  std::vector<float> logit;   // [height][width]: face logit minus background logit (softmax = 1/(1+exp(-logit)))
  std::vector<float> reg;     // [4][height][width]: dx1, dy1, dx2, dy2 relative to the window
};

// Working buffers of one P-Net run; one per thread, reused between levels and photos.
struct pnet_workspace {
  std::vector<float> in, c1, p1, c2, c3;
  size_t bytes() const;
  void release();  // gives the memory back (after a large photo)
};

// R-Net (24x24 crops) or O-Net (48x48), channels last, channel counts padded with zero weights.
struct refine_weights {
  struct layer {
    bool is_pool = false;
    // Convolution k x k, stride 1, no padding, then PReLU: [ky][kx][in][out].
    int k = 0, in = 0, out = 0;
    std::vector<float> w, bias, slope;
    // Max pooling k x k, stride 2; `same`: ONNX SAME_UPPER (out = ceil(n / 2)), else VALID.
    int pool_k = 0;
    bool same = false;
  };
  int input = 0;    // crop side
  int outputs = 0;  // per crop: [0] face logit, [1..4] box regression, then (O-Net) [5..14] landmarks
  std::vector<layer> layers;
  // Dense layer after the last convolution (PReLU after it) and the heads, all [in][out], out padded.
  std::vector<float> dense_w, dense_b, dense_slope, head_w, head_b;
  int flat = 0, hidden = 0, head_out = 0;
};

// An instruction set the kernels are compiled for.
struct target {
  int64_t bits = 0;          // Highway's target bit
  const char* name() const;  // "avx512", "avx2", "sse4", "ssse3", "neon" or "scalar"
};

// The targets compiled in that this CPU runs, best first.
std::vector<target> supported_targets();
// A target by name: one of supported_targets()' names, or "baseline" (the most widely supported vector one: SSSE3 on
// x86-64, NEON on aarch64). Throws std::invalid_argument naming the choices when this CPU cannot run it.
target find_target(const std::string& name);
// The target used when none is given: the best, unless use_target() chose another. Safe from any thread.
target current_target();
void use_target(target t);

// Runs P-Net on one pyramid level: 8-bit RGB rows of `row_bytes` (at least 12x12), normalised like the reference
// ((v - 127.5) / 128). Safe from several threads at once, each with its own workspace.
void run_pnet(const pnet_weights& w, const uint8_t* rgb, int rows, int cols, size_t row_bytes, pnet_maps& out, pnet_workspace& work,
              target t = current_target());

// Runs R-Net or O-Net on one crop: input x input x 3 floats, RGB, channels last, normalised. Writes w.outputs values.
// Safe from several threads at once (the working buffers are per thread).
void run_refine(const refine_weights& w, const float* crop, float* out, target t = current_target());

}  // namespace face::mtcnn
