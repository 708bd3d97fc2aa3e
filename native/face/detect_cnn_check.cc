// Runs each MTCNN net twice, through our kernels and through cv::dnn::Net::forward, and compares the outputs.
#include "detect_cnn_check.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "pnet.h"
#include "refine_net.h"

namespace face {
namespace {

// The ONNX graphs take NHWC images transposed (x before y): the blob for OpenCV.
cv::Mat transposed_blob(const std::vector<cv::Mat>& images) {
    const int sz[] = {static_cast<int>(images.size()), images[0].cols, images[0].rows, 3};
    cv::Mat blob(4, sz, CV_32F);
    for (size_t i = 0; i < images.size(); ++i) {
        cv::Mat t;
        cv::transpose(images[i], t);
        std::memcpy(blob.ptr<float>() + i * images[i].total() * 3, t.ptr<float>(), t.total() * 3 * sizeof(float));
    }
    return blob;
}

cv::Mat normalised(const cv::Mat& rgb8) {
    cv::Mat f;
    rgb8.convertTo(f, CV_32F, 0.0078125, -127.5 * 0.0078125);
    return f;
}

float sigmoid(float logit) { return 1.f / (1.f + std::exp(-logit)); }

void tally(net_agreement& a, float ours, float theirs) {
    ++a.compared;
    a.faces_ours += ours >= 0.7f;
    a.faces_opencv += theirs >= 0.7f;
    a.max_score_diff = std::max(a.max_score_diff, double(std::abs(ours - theirs)));
}

void compare_refine(net_agreement& a, const std::string& file, bool onet, const std::vector<cv::Mat>& crops) {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(file);
    const refine_net mine = onet ? refine_net::onet(cv::dnn::readNetFromONNX(file)) : refine_net::rnet(cv::dnn::readNetFromONNX(file));
    net.setInput(transposed_blob(crops));
    std::vector<cv::Mat> out;
    net.forward(out, onet ? std::vector<cv::String>{"dense_5", "dense_6", "softmax_2"} : std::vector<cv::String>{"dense_2", "softmax_1"});
    std::vector<float> ours(mine.outputs());
    for (size_t i = 0; i < crops.size(); ++i) {
        mine.run(crops[i].ptr<float>(), ours.data());
        tally(a, sigmoid(ours[0]), out.back().ptr<float>()[i * 2 + 1]);
        for (int c = 0; c < 4; ++c) a.max_output_diff = std::max(a.max_output_diff, double(std::abs(ours[1 + c] - out[0].ptr<float>()[i * 4 + c])));
        if (onet)
            for (int c = 0; c < 10; ++c) a.max_output_diff = std::max(a.max_output_diff, double(std::abs(ours[5 + c] - out[1].ptr<float>()[i * 10 + c])));
    }
}

}  // namespace

mtcnn_agreement check_mtcnn_kernels(const std::string& dir, const rgb_image& photo, int crops) {
    const cv::Mat rgb(int(photo.nr()), int(photo.nc()), CV_8UC3, const_cast<void*>(static_cast<const void*>(dlib::image_data(photo))),
                      dlib::width_step(photo));
    CV_Assert(rgb.rows >= 80 && rgb.cols >= 80);
    mtcnn_agreement result;

    cv::dnn::Net net = cv::dnn::readNetFromONNX(dir + "/pnet.onnx");
    const pnet mine(cv::dnn::readNetFromONNX(dir + "/pnet.onnx"));
    pnet_workspace work;
    pnet_maps maps;
    for (double scale : {0.6, 0.3, 0.15}) {
        cv::Mat level;
        cv::resize(rgb, level, cv::Size(int(std::ceil(rgb.cols * scale)), int(std::ceil(rgb.rows * scale))), 0, 0, cv::INTER_AREA);
        mine.run(level, maps, work);
        net.setInput(transposed_blob({normalised(level)}));
        std::vector<cv::Mat> out;
        net.forward(out, std::vector<cv::String>{"conv2d_4", "softmax"});
        const cv::Mat &reg = out[0], &prob = out[1];  // [1][x][y][c]
        CV_Assert(prob.size[1] == maps.width && prob.size[2] == maps.height);
        for (int x = 0; x < maps.width; ++x)
            for (int y = 0; y < maps.height; ++y) {
                const size_t theirs = size_t(x) * maps.height + y, ours = size_t(y) * maps.width + x;
                tally(result.pnet, sigmoid(maps.logit[ours]), prob.ptr<float>()[theirs * 2 + 1]);
                for (int c = 0; c < 4; ++c)
                    result.pnet.max_output_diff = std::max(result.pnet.max_output_diff,
                        double(std::abs(maps.reg[size_t(c) * maps.width * maps.height + ours] - reg.ptr<float>()[theirs * 4 + c])));
            }
    }

    cv::RNG rng(20261205);
    std::vector<cv::Mat> small, large;
    for (int i = 0; i < crops; ++i) {
        const int side = rng.uniform(20, std::min({200, rgb.cols, rgb.rows}) + 1);
        const cv::Rect r(rng.uniform(0, rgb.cols - side + 1), rng.uniform(0, rgb.rows - side + 1), side, side);
        cv::Mat f, s, l;
        rgb(r).convertTo(f, CV_32F);
        cv::resize(f, s, cv::Size(24, 24), 0, 0, cv::INTER_AREA);
        cv::resize(f, l, cv::Size(48, 48), 0, 0, cv::INTER_AREA);
        small.push_back(normalised(s));
        large.push_back(normalised(l));
    }
    if (crops > 0) {
        compare_refine(result.rnet, dir + "/rnet.onnx", false, small);
        compare_refine(result.onet, dir + "/onet.onnx", true, large);
    }
    return result;
}

}  // namespace face
