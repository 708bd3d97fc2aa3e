// Loads dlib's face recognition weights from their TensorFlow.js export (@vladmandic/face-api's
// face_recognition_model): 117 tensors, already dequantized to float32 by the TypeScript loader.
#pragma once
#include <string>
#include <vector>

#include "resnet.h"

namespace face {

struct weight_tensor {
  std::string name;
  std::vector<int> shape;
  std::vector<float> values;
};

// requires: tensors in the export's order: for each of the 29 conv layers from the input up,
//           conv filters [h,w,in,out], conv bias [out], scale weights [out], scale biases [out]; then fc [256,128].
// ensures: net computes dlib's 128-d face descriptors with those weights.
// throws face_error MODEL_NOT_FOUND when the tensors do not fit the network.
void load_tfjs_weights(resnet::anet_type& net, const std::vector<weight_tensor>& tensors);

}  // namespace face
