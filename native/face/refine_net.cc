// R-Net and O-Net as direct convolutions, channels last: for a few neighbouring output pixels at once, every input
// value is broadcast and multiplied into vectors of output channels, so each weight vector loaded serves several pixels.
// Channel counts are padded to whole vectors with zero weights (a padded channel is always 0 and adds nothing).
#include "refine_net.h"

#include <algorithm>
#include <cstring>

#include "net_kernels.h"

namespace face {
namespace {

using namespace kernels;

// PX output pixels by NV vectors of output channels of a k x k convolution, then PReLU.
template <int PX, int NV>
inline void conv_block(const float* in, int in_w, int ic, int k, const float* w, int oc, const float* bias,
                       const float* slope, float* out) {
    vf acc[PX][NV];
    for (int j = 0; j < NV; ++j) {
        const vf b = load(bias + j * L);
        for (int p = 0; p < PX; ++p) acc[p][j] = b;
    }
    for (int ky = 0; ky < k; ++ky)
        for (int kx = 0; kx < k; ++kx) {
            const float* src = in + (ky * in_w + kx) * ic;
            const float* wk = w + (ky * k + kx) * ic * oc;
            for (int c = 0; c < ic; ++c) {
                vf wv[NV];
                for (int j = 0; j < NV; ++j) wv[j] = load(wk + c * oc + j * L);
                for (int p = 0; p < PX; ++p) {
                    const float s = src[p * ic + c];
                    for (int j = 0; j < NV; ++j) acc[p][j] += s * wv[j];
                }
            }
        }
    for (int j = 0; j < NV; ++j) {
        const vf sl = load(slope + j * L);
        for (int p = 0; p < PX; ++p) store(out + p * oc + j * L, prelu(acc[p][j], sl));
    }
}

// Pixels per block: as many as the vector registers hold accumulators for (NV * PX of them, plus NV weight vectors).
template <int NV>
constexpr int pixels_per_block() {
    return L == 16 ? (NV >= 4 ? 6 : NV == 3 ? 8 : NV == 2 ? 12 : 16) : (NV >= 3 ? 3 : NV == 2 ? 5 : 8);
}

template <int NV>
void conv_rows(const float* in, int h, int w, int ic, int k, const float* wt, int oc, int oc0, const float* bias,
               const float* slope, float* out) {
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

// Max pooling k x k, stride 2, channels last (c a multiple of L). SAME_UPPER pads ceil(n/2)*2-2+k-n at the end
// (floor half of it at the start), the padding taking no part in the maximum.
void max_pool(const float* in, int h, int w, int c, int k, bool same, float* out, int& ho, int& wo) {
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
                vf m = load(in + (y0 * w + x0) * c + j);
                for (int yy = y0; yy < y1; ++yy)
                    for (int xx = x0; xx < x1; ++xx) {
                        const vf v = load(in + (yy * w + xx) * c + j);
                        m = v > m ? v : m;
                    }
                store(out + (y * wo + x) * c + j, m);
            }
        }
}

// out[o] = sum_i in[i] * w[i][o] + b[o] (o a multiple of L), PReLU if `slope`.
void dense(const float* in, int n_in, const float* w, const float* b, const float* slope, int n_out, float* out) {
    for (int o = 0; o < n_out; o += 4 * L) {
        const int nv = std::min(4, (n_out - o) / L);
        vf acc[4];
        for (int j = 0; j < nv; ++j) acc[j] = load(b + o + j * L);
        for (int i = 0; i < n_in; ++i) {
            const float s = in[i];
            for (int j = 0; j < nv; ++j) acc[j] += s * load(w + i * n_out + o + j * L);
        }
        for (int j = 0; j < nv; ++j) store(out + o + j * L, slope ? prelu(acc[j], load(slope + o + j * L)) : acc[j]);
    }
}

}  // namespace

int refine_net::channels() const {
    for (auto l = layers_.rbegin(); l != layers_.rend(); ++l)
        if (!l->is_pool) return l->c.out;
    return 3;
}

void refine_net::add_conv(cv::dnn::Net& net, const std::string& node, const std::string& prelu_node) {
    const cv::Mat& W = onnx_blob(net, node, 0);  // [oc][ic][kx][ky]: the ONNX graph saw images transposed
    CV_Assert(W.dims == 4 && W.size[2] == W.size[3]);
    const int oc = W.size[0], ic = W.size[1], k = W.size[2];
    layer l;
    conv& c = l.c;
    c.k = k;
    c.in = channels();
    c.out = round_up(oc);
    CV_Assert(ic <= c.in);
    c.w.assign(static_cast<size_t>(k) * k * c.in * c.out, 0.f);
    const float* src = W.ptr<float>();
    for (int o = 0; o < oc; ++o)
        for (int i = 0; i < ic; ++i)
            for (int kx = 0; kx < k; ++kx)
                for (int ky = 0; ky < k; ++ky)
                    c.w[((static_cast<size_t>(ky) * k + kx) * c.in + i) * c.out + o] = src[((static_cast<size_t>(o) * ic + i) * k + kx) * k + ky];
    c.bias = blob_values(onnx_blob(net, node, 1), oc, c.out);
    c.slope = blob_values(onnx_blob(net, prelu_node, 0), oc, c.out);
    layers_.push_back(std::move(l));
}

void refine_net::add_pool(int k, bool same) {
    layer l;
    l.is_pool = true;
    l.p = {k, same};
    layers_.push_back(std::move(l));
}

// The dense layer reads the last feature map flattened as the ONNX graph does, [x][y][c] of its transposed image;
// ours is [y][x][c padded], so rows are reordered once here.
void refine_net::load_dense(cv::dnn::Net& net, const std::string& node, const std::string& bias, const std::string& prelu,
                            int side, int channels) {
    const int padded_channels = this->channels();
    const cv::Mat& W = onnx_blob(net, node, 0);  // [out][in]
    hidden_ = W.size[0];
    CV_Assert(W.size[1] == side * side * channels && hidden_ % L == 0);
    flat_ = side * side * padded_channels;
    dense_w_.assign(static_cast<size_t>(flat_) * hidden_, 0.f);
    const float* src = W.ptr<float>();
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
            for (int c = 0; c < channels; ++c) {
                const int ours = (y * side + x) * padded_channels + c, theirs = (x * side + y) * channels + c;
                for (int o = 0; o < hidden_; ++o) dense_w_[static_cast<size_t>(ours) * hidden_ + o] = src[static_cast<size_t>(o) * W.size[1] + theirs];
            }
    dense_b_ = blob_values(onnx_blob(net, bias, 0), hidden_);
    dense_slope_ = blob_values(onnx_blob(net, prelu, 0), hidden_);
}

// Heads: "inner product node:bias node" pairs, in output order (classifier first: background, face).
void refine_net::load_heads(cv::dnn::Net& net, const std::vector<std::string>& heads) {
    int total = 0;
    for (const std::string& h : heads) total += onnx_blob(net, h.substr(0, h.find(':')), 0).size[0];
    head_out_ = round_up(total);
    head_w_.assign(static_cast<size_t>(hidden_) * head_out_, 0.f);
    head_b_.assign(head_out_, 0.f);
    int at = 0;
    for (const std::string& h : heads) {
        const cv::Mat& W = onnx_blob(net, h.substr(0, h.find(':')), 0);  // [out][in]
        const cv::Mat& B = onnx_blob(net, h.substr(h.find(':') + 1), 0);
        const int n = W.size[0];
        CV_Assert(W.size[1] == hidden_ && static_cast<int>(B.total()) == n);
        for (int o = 0; o < n; ++o) {
            for (int i = 0; i < hidden_; ++i) head_w_[static_cast<size_t>(i) * head_out_ + at + o] = W.ptr<float>()[static_cast<size_t>(o) * hidden_ + i];
            head_b_[at + o] = B.ptr<float>()[o];
        }
        at += n;
    }
    outputs_ = total - 1;  // the two classifier values become one logit
}

refine_net refine_net::rnet(cv::dnn::Net net) {
    refine_net r;
    r.input_ = 24;
    r.add_conv(net, "conv2d_5", "p_re_lu_3");
    r.add_pool(3, true);
    r.add_conv(net, "conv2d_6", "p_re_lu_4");
    r.add_pool(3, false);
    r.add_conv(net, "conv2d_7", "p_re_lu_5");
    r.load_dense(net, "dense", "Add2", "p_re_lu_6", 3, 64);
    r.load_heads(net, {"dense_1:Add1", "dense_2:Add"});
    return r;
}

refine_net refine_net::onet(cv::dnn::Net net) {
    refine_net r;
    r.input_ = 48;
    r.add_conv(net, "conv2d_8", "p_re_lu_7");
    r.add_pool(3, true);
    r.add_conv(net, "conv2d_9", "p_re_lu_8");
    r.add_pool(3, false);
    r.add_conv(net, "conv2d_10", "p_re_lu_9");
    r.add_pool(2, true);
    r.add_conv(net, "conv2d_11", "p_re_lu_10");
    r.load_dense(net, "dense_3", "Add3", "p_re_lu_11", 3, 128);
    r.load_heads(net, {"dense_4:Add2", "dense_5:Add", "dense_6:Add1"});
    return r;
}

void refine_net::run(const float* crop, float* result) const {
    // Two maps of at most the first convolution's output size (O-Net: 46 x 46 x 32 floats, 270 KB) per thread.
    thread_local std::vector<float> map_a, map_b;
    const size_t most = static_cast<size_t>(input_) * input_ * std::max(layers_[0].c.out, 3);
    if (map_a.size() < most) map_a.resize(most);
    if (map_b.size() < most) map_b.resize(most);
    const float* in = crop;
    int h = input_, w = input_, c = 3;
    float* out = map_a.data();
    for (const layer& l : layers_) {
        if (l.is_pool) {
            int ho = 0, wo = 0;
            max_pool(in, h, w, c, l.p.k, l.p.same, out, ho, wo);
            h = ho;
            w = wo;
        } else {
            const conv& k = l.c;
            CV_Assert(k.in == c);
            for (int o = 0; o < k.out; o += 4 * L) {
                switch (std::min(4, (k.out - o) / L)) {
                    case 4: conv_rows<4>(in, h, w, c, k.k, k.w.data(), k.out, o, k.bias.data(), k.slope.data(), out); break;
                    case 3: conv_rows<3>(in, h, w, c, k.k, k.w.data(), k.out, o, k.bias.data(), k.slope.data(), out); break;
                    case 2: conv_rows<2>(in, h, w, c, k.k, k.w.data(), k.out, o, k.bias.data(), k.slope.data(), out); break;
                    default: conv_rows<1>(in, h, w, c, k.k, k.w.data(), k.out, o, k.bias.data(), k.slope.data(), out); break;
                }
            }
            h = h - k.k + 1;
            w = w - k.k + 1;
            c = k.out;
        }
        in = out;
        out = out == map_a.data() ? map_b.data() : map_a.data();
    }
    CV_Assert(h * w * c == flat_);
    float hidden[512], heads[64];
    CV_Assert(hidden_ <= 512 && head_out_ <= 64);
    dense(in, flat_, dense_w_.data(), dense_b_.data(), dense_slope_.data(), hidden_, hidden);
    dense(hidden, hidden_, head_w_.data(), head_b_.data(), nullptr, head_out_, heads);
    result[0] = heads[1] - heads[0];
    for (int i = 1; i < outputs_; ++i) result[i] = heads[i + 1];
}

}  // namespace face
