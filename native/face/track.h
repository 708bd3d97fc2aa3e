// SORT (Bewley et al., 2016): a constant-velocity Kalman filter per face track and Hungarian assignment
// of detections to tracks on IoU. Tracks are born after min_hits matched detections and die after
// max_age detection rounds without a match.
#pragma once
#include <dlib/filtering/kalman_filter.h>
#include <dlib/geometry/drectangle.h>

#include <vector>

namespace face {

struct tracker_options {
  int min_hits = 3;            // detections a track needs before it counts as a face
  int max_age = 3;             // detection rounds a track may miss before it is dropped
  double iou_threshold = 0.3;  // a detection joins a track only above this overlap
};

struct track_state {
  int id;
  dlib::drectangle box;  // the filter's estimate for the current frame
  int hits;              // matched detections so far
  int misses;            // detection rounds since the last match
  int detection;         // index of the detection matched this round, or -1
  bool confirmed() const { return confirmed_; }
  bool confirmed_ = false;
};

class sort_tracker {
 public:
  explicit sort_tracker(tracker_options options = {}) : options_(options) {}

  // A frame where the detector ran: assigns each detection to a track (or starts one).
  // ensures: every live track, with .detection set for the ones matched this frame.
  const std::vector<track_state>& update(const std::vector<dlib::drectangle>& detections);

  // A frame where the detector did not run: every track moves by its velocity.
  const std::vector<track_state>& predict();

  const std::vector<track_state>& tracks() const { return states_; }

 private:
  using filter = dlib::kalman_filter<7, 4>;  // state: cx, cy, area, aspect, and the velocities of the first three
  static filter make_filter(const dlib::drectangle& box);
  static dlib::drectangle box_of(const dlib::matrix<double, 7, 1>& state);

  tracker_options options_;
  std::vector<filter> filters_;
  std::vector<track_state> states_;
  int next_id_ = 1;
};

double iou(const dlib::drectangle& a, const dlib::drectangle& b);

}  // namespace face
