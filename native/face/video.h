// Video recognition: decode frames with OpenCV, detect every k-th frame, track faces with SORT,
// and encode each track only on its first N usable frames (faces at least min_face_size pixels).
// Deciding who a track is (by voting or feature fusion) happens in TypeScript, against the gallery.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "detect.h"
#include "encode.h"
#include "models.h"
#include "track.h"

namespace face {

struct video_options {
  int sample_every = 1;       // run the detector on every k-th frame; others only move the tracks
  double min_face_size = 40;  // smaller faces are tracked but not encoded
  int frames_to_decide = 5;   // N: encodings per track, then it is only tracked
  int upsample = 0;
  detector_kind detector = detector_kind::hog;  // cnn uses the model set's MTCNN
  long max_frames = 0;                          // 0 = no limit
  double max_duration = 0;                      // seconds of video; 0 = no limit
  uint64_t max_pixels = 0;                      // frames with more pixels are refused; always set by the caller, must be > 0
  bool every_frame = false;                     // baseline without tracking: encode every face on every sampled frame
  tracker_options tracker;
};

struct video_box {
  long frame;
  dlib::drectangle box;
};

struct video_track {
  int id = 0;
  long first_frame = -1, last_frame = -1;
  std::vector<video_box> boxes;
  std::vector<encoding> samples;  // at most frames_to_decide
  std::vector<long> sample_frames;
  std::vector<uint8_t> thumbnail_jpeg;  // the aligned chip of its best-scoring sample
  double best_score = -1e9;
  double largest_face = 0;
  bool confirmed = false;  // the tracker saw it often enough to call it a face
  bool reported = false;   // sent as a 'decided' event already
};

struct video_stats {
  long frames_decoded = 0, frames_detected = 0, faces_encoded = 0, total_frames = 0;
  long width = 0, height = 0;
  double fps = 0;
  double seconds_decode = 0, seconds_detect = 0, seconds_track = 0, seconds_encode = 0, seconds_wall = 0;
  bool truncated = false;  // stopped at a limit or by cancel
  bool cancelled = false;
};

struct video_result {
  std::vector<video_track> tracks;  // confirmed tracks only, in order of appearance
  video_stats stats;
};

struct video_event {
  enum kind_t { progress, decided } kind = progress;
  long frame = 0, total_frames = 0;
  double fps = 25;
  video_track track;  // for 'decided': a track that just got its N encodings
};

// throws face_error INVALID_VIDEO (cannot open or decode), VIDEO_TOO_LONG, IMAGE_TOO_LARGE (frame size).
video_result process_video(const std::string& source, const video_options& options, const model_set& models,
                           const std::function<void(video_event&&)>& emit, const std::atomic<bool>& cancelled);

struct annotation {
  std::string label;
  std::vector<video_box> boxes;
};

// Writes a copy of the video with each track's boxes and label drawn. throws face_error INVALID_VIDEO.
long annotate_video(const std::string& source, const std::string& destination, const std::vector<annotation>& tracks,
                    const std::string& codec);

}  // namespace face
