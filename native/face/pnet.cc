// P-Net as direct convolutions: each output row is computed a vector of L pixels at a time, with one accumulator per
// output channel of a block, every input value loaded once per block and multiplied by broadcast weights. Planes are
// stored channel by channel, rows padded to a multiple of L (plus L), so a vector never needs a bounds check; columns
// past a layer's valid width hold finite garbage that no valid output reads.
#include "pnet.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "net_kernels.h"

namespace face {
namespace {

using namespace kernels;

// Row stride of a plane `cols` wide: every vector a 3x3 kernel reads from it stays inside the row.
inline int stride_for(int cols) { return round_up(cols) + L; }

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

// One block of OB output channels of a 3x3 convolution (stride 1, no padding) followed by PReLU.
template <int IC, int OB>
void conv3x3_prelu(const float* in, int in_plane, int in_stride, float* out, int out_plane, int out_stride, int rows,
                   int cols, const float* w, const float* bias, const float* slope) {
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; x += L) {
            vf acc[OB];
            for (int o = 0; o < OB; ++o) acc[o] = vf{} + bias[o];
            for (int ic = 0; ic < IC; ++ic)
                for (int ky = 0; ky < 3; ++ky) {
                    const float* row = in + ic * in_plane + (y + ky) * in_stride + x;
                    const float* wk = w + (ic * 3 + ky) * 3 * OB;
                    const vf v0 = load(row), v1 = load(row + 1), v2 = load(row + 2);
                    for (int o = 0; o < OB; ++o) acc[o] += v0 * wk[o] + v1 * wk[OB + o] + v2 * wk[2 * OB + o];
                }
            for (int o = 0; o < OB; ++o) {
                const vf a = acc[o];
                store(out + o * out_plane + y * out_stride + x, a > 0 ? a : a * slope[o]);
            }
        }
}

// 2x2 max pooling, stride 2, the missing row/column of an odd size left out (ONNX SAME_UPPER).
void max_pool(const float* in, int in_plane, int in_stride, int in_rows, int in_cols, float* out, int out_plane,
              int out_stride, int channels) {
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

}  // namespace

pnet::pnet(cv::dnn::Net net) {
    w1_ = arrange(onnx_blob(net, "conv2d", 0), 10);
    w2_ = arrange(onnx_blob(net, "conv2d_1", 0), 16);
    w3_ = arrange(onnx_blob(net, "conv2d_2", 0), 16);
    b1_ = blob_values(onnx_blob(net, "conv2d", 1), 10);
    b2_ = blob_values(onnx_blob(net, "conv2d_1", 1), 16);
    b3_ = blob_values(onnx_blob(net, "conv2d_2", 1), 32);
    a1_ = blob_values(onnx_blob(net, "p_re_lu", 0), 10);
    a2_ = blob_values(onnx_blob(net, "p_re_lu_1", 0), 16);
    a3_ = blob_values(onnx_blob(net, "p_re_lu_2", 0), 32);
    // Heads (1x1): face/background (conv2d_3, 2 outputs) and box regression (conv2d_4, 4 outputs), kept as
    // [ic][6]: background, face, dx1, dy1, dx2, dy2.
    const std::vector<float> cls = blob_values(onnx_blob(net, "conv2d_3", 0), 2 * 32), box = blob_values(onnx_blob(net, "conv2d_4", 0), 4 * 32);
    const std::vector<float> cls_b = blob_values(onnx_blob(net, "conv2d_3", 1), 2), box_b = blob_values(onnx_blob(net, "conv2d_4", 1), 4);
    w4_.resize(32 * 6);
    for (int i = 0; i < 32; ++i) {
        for (int o = 0; o < 2; ++o) w4_[i * 6 + o] = cls[o * 32 + i];
        for (int o = 0; o < 4; ++o) w4_[i * 6 + 2 + o] = box[o * 32 + i];
    }
    b4_ = {cls_b[0], cls_b[1], box_b[0], box_b[1], box_b[2], box_b[3]};
}

size_t pnet_workspace::bytes() const { return (in.capacity() + c1.capacity() + p1.capacity() + c2.capacity() + c3.capacity()) * sizeof(float); }

void pnet_workspace::release() {
    for (std::vector<float>* v : {&in, &c1, &p1, &c2, &c3}) std::vector<float>().swap(*v);
}

void pnet::run(const cv::Mat& rgb, pnet_maps& out, pnet_workspace& work) const {
    CV_Assert(rgb.type() == CV_8UC3 && rgb.rows >= 12 && rgb.cols >= 12);
    const int H0 = rgb.rows, W0 = rgb.cols, S0 = stride_for(W0);
    const int H1 = H0 - 2, W1 = W0 - 2, S1 = stride_for(W1);          // conv 1
    const int H2 = (H1 + 1) / 2, W2 = (W1 + 1) / 2, S2 = stride_for(W2);  // pool
    const int H3 = H2 - 2, W3 = W2 - 2, S3 = stride_for(W3);          // conv 2
    const int H4 = H3 - 2, W4 = W3 - 2, S4 = stride_for(W4);          // conv 3, heads
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
        const uchar* p = rgb.ptr<uchar>(y);
        for (int c = 0; c < 3; ++c) {
            float* d = in + (size_t(c) * H0 + y) * S0;
            for (int x = 0; x < W0; ++x) d[x] = (p[3 * x + c] - 127.5f) * 0.0078125f;
            std::fill(d + W0, d + S0, 0.f);
        }
    }
    for (int py = 0; py < H2; ++py) {
        const int rows = std::min(2, H1 - 2 * py);
        conv3x3_prelu<3, 10>(in + 2 * py * S0, H0 * S0, S0, c1, 2 * S1, S1, rows, W1, w1_.data(), b1_.data(), a1_.data());
        max_pool(c1, 2 * S1, S1, rows, W1, p1 + py * S2, H2 * S2, S2, 10);
    }
    conv3x3_prelu<10, 16>(p1, H2 * S2, S2, c2, H3 * S3, S3, H3, W3, w2_.data(), b2_.data(), a2_.data());

    out.width = W4;
    out.height = H4;
    out.logit.resize(size_t(W4) * H4);
    out.reg.resize(size_t(4) * W4 * H4);
    for (int y = 0; y < H4; ++y) {
        for (int block = 0; block < 2; ++block)
            conv3x3_prelu<16, 16>(c2 + y * S3, H3 * S3, S3, c3 + size_t(block) * 16 * S4, S4, S4, 1, W4,
                                  w3_.data() + size_t(block) * 16 * 16 * 9, b3_.data() + block * 16, a3_.data() + block * 16);
        for (int x = 0; x < W4; x += L) {
            vf acc[6];
            for (int o = 0; o < 6; ++o) acc[o] = vf{} + b4_[o];
            for (int i = 0; i < 32; ++i) {
                const vf v = load(c3 + i * S4 + x);
                for (int o = 0; o < 6; ++o) acc[o] += v * w4_[i * 6 + o];
            }
            float lanes[6][L];
            for (int o = 0; o < 6; ++o) store(lanes[o], acc[o]);
            const int n = std::min(L, W4 - x);
            for (int k = 0; k < n; ++k) {
                const size_t at = size_t(y) * W4 + x + k;
                out.logit[at] = lanes[1][k] - lanes[0][k];
                for (int o = 0; o < 4; ++o) out.reg[size_t(o) * W4 * H4 + at] = lanes[2 + o][k];
            }
        }
    }
}

}  // namespace face
