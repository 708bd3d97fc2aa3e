// SORT tracker: Kalman prediction, IoU cost, dlib's max_cost_assignment (Hungarian method), birth and death.
#include "track.h"

#include <dlib/optimization/max_cost_assignment.h>

#include <algorithm>
#include <cmath>

namespace face {
namespace {

dlib::matrix<double, 4, 1> measurement_of(const dlib::drectangle& r) {
  dlib::matrix<double, 4, 1> z;
  z = dlib::center(r).x(), dlib::center(r).y(), r.area(), r.width() / std::max(r.height(), 1e-6);
  return z;
}

}  // namespace

double iou(const dlib::drectangle& a, const dlib::drectangle& b) {
  double inter = a.intersect(b).area();
  double uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0;
}

sort_tracker::filter sort_tracker::make_filter(const dlib::drectangle& box) {
  filter f;
  dlib::matrix<double, 7, 7> A = dlib::identity_matrix<double>(7);
  A(0, 4) = A(1, 5) = A(2, 6) = 1;  // position += velocity, once per frame
  dlib::matrix<double, 4, 7> H = dlib::zeros_matrix<double>(4, 7);
  for (long i = 0; i < 4; ++i) H(i, i) = 1;
  dlib::matrix<double, 7, 7> Q = dlib::identity_matrix<double>(7);
  Q(6, 6) *= 0.01;
  for (long i = 4; i < 7; ++i) Q(i, i) *= 0.01;
  dlib::matrix<double, 4, 4> R = dlib::identity_matrix<double>(4);
  R(2, 2) *= 10;
  R(3, 3) *= 10;
  dlib::matrix<double, 7, 7> P = dlib::identity_matrix<double>(7) * 10;
  for (long i = 4; i < 7; ++i) P(i, i) *= 1000;  // velocities are unknown at birth
  f.set_transition_model(A);
  f.set_observation_model(H);
  f.set_process_noise(Q);
  f.set_measurement_noise(R);
  f.set_estimation_error_covariance(P);
  dlib::matrix<double, 7, 1> x = dlib::zeros_matrix<double>(7, 1);
  dlib::set_subm(x, 0, 0, 4, 1) = measurement_of(box);
  f.set_state(x);
  return f;
}

dlib::drectangle sort_tracker::box_of(const dlib::matrix<double, 7, 1>& s) {
  double area = std::max(s(2), 1.0), aspect = std::max(s(3), 1e-3);
  double w = std::sqrt(area * aspect), h = area / w;
  return dlib::centered_drect(dlib::dpoint(s(0), s(1)), w, h);
}

const std::vector<track_state>& sort_tracker::update(const std::vector<dlib::drectangle>& detections) {
  // Where each track should be now.
  std::vector<dlib::drectangle> predicted;
  for (const auto& f : filters_) predicted.push_back(box_of(f.get_predicted_next_state()));

  // Hungarian assignment maximising total IoU (integer costs, square matrix).
  const long n = std::max<long>(long(detections.size()), long(filters_.size()));
  std::vector<long> assignment;
  if (n > 0 && !detections.empty() && !filters_.empty()) {
    dlib::matrix<long> cost = dlib::zeros_matrix<long>(n, n);
    for (size_t d = 0; d < detections.size(); ++d)
      for (size_t t = 0; t < predicted.size(); ++t) cost(d, t) = std::lround(iou(detections[d], predicted[t]) * 100000);
    assignment = dlib::max_cost_assignment(cost);
  }

  std::vector<int> track_of(detections.size(), -1);
  for (size_t d = 0; d < detections.size() && !assignment.empty(); ++d) {
    long t = assignment[d];
    if (t < long(filters_.size()) && iou(detections[d], predicted[t]) >= options_.iou_threshold) track_of[d] = int(t);
  }

  for (auto& s : states_) s.detection = -1;
  for (size_t d = 0; d < detections.size(); ++d) {
    if (track_of[d] < 0) continue;
    auto& f = filters_[track_of[d]];
    f.update(measurement_of(detections[d]));
    auto& s = states_[track_of[d]];
    s.hits++;
    s.misses = 0;
    s.detection = int(d);
    s.box = detections[d];
  }
  for (size_t t = 0; t < states_.size(); ++t) {
    if (states_[t].detection >= 0) continue;
    filters_[t].update();
    states_[t].misses++;
    states_[t].box = box_of(filters_[t].get_current_state());
  }
  for (size_t d = 0; d < detections.size(); ++d) {
    if (track_of[d] >= 0) continue;
    filters_.push_back(make_filter(detections[d]));
    states_.push_back({next_id_++, detections[d], 1, 0, int(d)});
  }

  // Death after too many missed rounds; birth after enough hits.
  for (size_t t = states_.size(); t-- > 0;) {
    if (states_[t].misses > options_.max_age) {
      states_.erase(states_.begin() + t);
      filters_.erase(filters_.begin() + t);
    } else if (states_[t].hits >= options_.min_hits) {
      states_[t].confirmed_ = true;
    }
  }
  return states_;
}

const std::vector<track_state>& sort_tracker::predict() {
  for (size_t t = 0; t < states_.size(); ++t) {
    filters_[t].update();
    states_[t].box = box_of(filters_[t].get_current_state());
    states_[t].detection = -1;
  }
  return states_;
}

}  // namespace face
