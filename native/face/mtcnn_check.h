// The check of MTCNN's kernels against OpenCV's DNN module, in two halves: detect_cnn_check.h runs OpenCV's DNN on
// inputs and keeps its outputs with the nets' weights (a check_data, which can be written to a file); this half runs
// the kernels of one instruction set on the same inputs and measures how far they are from OpenCV's outputs. It depends
// on nothing but the kernels, so the cross-compiled check program (native/check/) runs it on other CPUs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mtcnn_nets.h"

namespace face::mtcnn {

struct check_data {
  pnet_weights pnet;
  refine_weights rnet, onet;
  // P-Net inputs (8-bit RGB pyramid levels) and OpenCV's face probability [y][x] and box regression [4][y][x].
  struct level {
    int rows = 0, cols = 0;
    std::vector<uint8_t> rgb;
    std::vector<float> prob, reg;
  };
  std::vector<level> levels;
  // R-Net / O-Net inputs (normalised crops) and OpenCV's face probability and other outputs per crop.
  struct crops {
    int count = 0;
    std::vector<float> pixels;   // [count][side][side][3]
    std::vector<float> prob;     // [count]
    std::vector<float> outputs;  // [count][net outputs - 1]: box regression, then (O-Net) landmarks
  };
  crops rnet_crops, onet_crops;
};

struct net_agreement {
  int compared = 0;                      // P-Net windows, or R-Net / O-Net crops
  int faces_ours = 0, faces_opencv = 0;  // of them scored >= 0.7
  double max_score_diff = 0;             // face probability
  double max_output_diff = 0;            // box regression and (O-Net) landmarks
};

struct agreement {
  net_agreement pnet, rnet, onet;
};

// Runs the kernels of `t` on the data's inputs and compares them with OpenCV's outputs.
agreement compare(const check_data& data, target t);

// A check_data as one binary file (little-endian floats and 32-bit counts, the host's byte order). read_check_data
// throws std::runtime_error when the file is missing, short or not one.
void write_check_data(const std::string& file, const check_data& data);
check_data read_check_data(const std::string& file);

}  // namespace face::mtcnn
