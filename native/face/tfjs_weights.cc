// Maps the TensorFlow.js tensors one to one onto the con_, affine_ and fc_ layers of anet_type.
#include "tfjs_weights.h"

#include <algorithm>
#include <type_traits>

#include "errors.h"

namespace face {
namespace {

struct con_layer {
  dlib::tensor* params;
  long out, rows, cols;
};

face_error mismatch(const weight_tensor& t, const std::string& why) {
  return face_error("MODEL_NOT_FOUND", "The face recognition weights do not fit dlib's network at tensor '" + t.name + "': " + why +
                                           ". Reinstall @vladmandic/face-api or use dlib_face_recognition_resnet_model_v1.dat.");
}

}  // namespace

void load_tfjs_weights(resnet::anet_type& net, const std::vector<weight_tensor>& tensors) {
  // Every affine_ must work per channel (CONV mode); a fresh one is per element (FC mode).
  dlib::visit_computational_layers(net, [](auto& layer) {
    using L = std::decay_t<decltype(layer)>;
    if constexpr (std::is_same_v<L, dlib::affine_>) layer = dlib::affine_(dlib::CONV_MODE);
  });
  // One forward pass gives every layer its parameter tensors at the right sizes.
  dlib::matrix<dlib::rgb_pixel> blank(150, 150);
  blank = dlib::rgb_pixel(0, 0, 0);
  net(blank);

  std::vector<con_layer> con_layers;
  std::vector<dlib::affine_*> affine_layers;
  dlib::tensor* fc_params = nullptr;
  dlib::visit_computational_layers(net, [&](auto& layer) {
    using L = std::decay_t<decltype(layer)>;
    if constexpr (resnet::is_con<L>::value) {
      con_layers.push_back({&layer.get_layer_params(), long(layer.num_filters()), long(layer.nr()), long(layer.nc())});
    } else if constexpr (std::is_same_v<L, dlib::affine_>) {
      affine_layers.push_back(&layer);
    } else if constexpr (resnet::is_fc<L>::value) {
      fc_params = &layer.get_layer_params();
    }
  });
  // visit_computational_layers walks from the output down; the export lists layers from the input up.
  std::reverse(con_layers.begin(), con_layers.end());
  std::reverse(affine_layers.begin(), affine_layers.end());

  const size_t layers = con_layers.size();
  if (layers != 29 || affine_layers.size() != 29 || !fc_params || tensors.size() != layers * 4 + 1)
    throw face_error("MODEL_NOT_FOUND",
                     "The face recognition weights hold " + std::to_string(tensors.size()) + " tensors; dlib's network needs 117.");

  for (size_t l = 0; l < layers; ++l) {
    const weight_tensor& filters = tensors[l * 4];
    const weight_tensor& bias = tensors[l * 4 + 1];
    const weight_tensor& scale = tensors[l * 4 + 2];
    const weight_tensor& shift = tensors[l * 4 + 3];
    const long out = con_layers[l].out, rows = con_layers[l].rows, cols = con_layers[l].cols;
    dlib::tensor& params = *con_layers[l].params;
    const long in = long(params.size() - out) / (out * rows * cols);

    if (filters.shape != std::vector<int>{int(rows), int(cols), int(in), int(out)})
      throw mismatch(filters, "expected shape [" + std::to_string(rows) + "," + std::to_string(cols) + "," + std::to_string(in) + "," +
                                  std::to_string(out) + "]");
    if (filters.values.size() != size_t(rows * cols * in * out)) throw mismatch(filters, "wrong number of values");
    for (const weight_tensor* t : {&bias, &scale, &shift})
      if (t->values.size() != size_t(out)) throw mismatch(*t, "expected " + std::to_string(out) + " values");

    // HWIO (TensorFlow) -> OIHW (dlib), then the bias after the filters.
    float* p = params.host();
    for (long o = 0; o < out; ++o)
      for (long i = 0; i < in; ++i)
        for (long r = 0; r < rows; ++r)
          for (long c = 0; c < cols; ++c) p[((o * in + i) * rows + r) * cols + c] = filters.values[((r * cols + c) * in + i) * out + o];
    std::copy(bias.values.begin(), bias.values.end(), p + out * in * rows * cols);

    // affine_ hides its parameters from get_layer_params(); gamma and beta are reached directly.
    auto gamma = affine_layers[l]->get_gamma();
    auto beta = affine_layers[l]->get_beta();
    if (gamma.size() != size_t(out) || beta.size() != size_t(out))
      throw mismatch(scale, "the affine layer does not have " + std::to_string(out) + " channels");
    std::copy(scale.values.begin(), scale.values.end(), gamma.host());
    std::copy(shift.values.begin(), shift.values.end(), beta.host());
  }

  const weight_tensor& fc = tensors.back();
  if (fc.values.size() != fc_params->size()) throw mismatch(fc, "expected " + std::to_string(fc_params->size()) + " values");
  // dlib's fc_ multiplies input [n,256] by weights [256,128]: the export's layout as is.
  std::copy(fc.values.begin(), fc.values.end(), fc_params->host());
}

}  // namespace face
