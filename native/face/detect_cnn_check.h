// The OpenCV half of the check of MTCNN's kernels (mtcnn_check.h): OpenCV's DNN module runs the same ONNX files on
// inputs taken from a photo, and its outputs are kept with the weights the kernels use. The tests call it through the
// addon's `testing` exports. No Node-API in here.
#pragma once

#include <string>

#include "decode.h"
#include "mtcnn_check.h"

namespace face {

// P-Net's inputs: the photo at scales 0.6, 0.3 and 0.15; R-Net's and O-Net's: `crops` square crops spread over it
// (sides 20-200 px, fixed pseudo-random positions). Throws cv::Exception when a file is missing or not the net expected.
mtcnn::check_data mtcnn_check_data(const std::string& models_dir, const rgb_image& photo, int crops);

}  // namespace face
