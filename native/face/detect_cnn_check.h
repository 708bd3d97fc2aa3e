// A check of MTCNN's own kernels (pnet.h, refine_net.h) against OpenCV's DNN module running the same ONNX files on
// the same inputs: the tests call it through the addon's `testing` exports. No Node-API in here.
#pragma once

#include <string>

#include "decode.h"

namespace face {

struct net_agreement {
    int compared = 0;             // P-Net windows, or R-Net / O-Net crops
    int faces_ours = 0, faces_opencv = 0;  // of them scored >= 0.7
    double max_score_diff = 0;    // face probability
    double max_output_diff = 0;   // box regression and (O-Net) landmarks
};

struct mtcnn_agreement {
    net_agreement pnet, rnet, onet;
};

// P-Net over the photo at scales 0.6, 0.3 and 0.15; R-Net and O-Net on `crops` square crops spread over it (sides
// 20-200 px, fixed pseudo-random positions). Throws cv::Exception when a file is missing or not the net expected.
mtcnn_agreement check_mtcnn_kernels(const std::string& models_dir, const rgb_image& photo, int crops);

}  // namespace face
