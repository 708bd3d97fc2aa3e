// Video recognition loop and annotated copies.
#include "video.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <future>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <thread>

#include "align.h"
#include "detect.h"
#include "errors.h"
#include "landmarks.h"
#include "threads.h"

namespace face {
namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) { return std::chrono::duration<double>(clock_type::now() - start).count(); }

cv::VideoCapture open_capture(const std::string& source) {
  cv::VideoCapture capture;
  bool digits = !source.empty() && std::all_of(source.begin(), source.end(), ::isdigit);
  try {
    if (digits) capture.open(std::stoi(source), cv::CAP_V4L2);
    else if (source.rfind("/dev/video", 0) == 0) capture.open(source, cv::CAP_V4L2);
    else capture.open(source, cv::CAP_FFMPEG);
  } catch (const cv::Exception&) {}
  if (!capture.isOpened())
    throw face_error("INVALID_VIDEO", "The video " + source +
                                          " cannot be opened: it is not a video FFmpeg can read (MP4, WebM, AVI, ...), "
                                          "or the stream or device is not reachable.");
  return capture;
}

std::vector<uint8_t> jpeg_of(const rgb_image& chip) {
  cv::Mat bgr(int(chip.nr()), int(chip.nc()), CV_8UC3);
  for (long r = 0; r < chip.nr(); ++r)
    for (long c = 0; c < chip.nc(); ++c) bgr.at<cv::Vec3b>(int(r), int(c)) = cv::Vec3b(chip(r, c).blue, chip(r, c).green, chip(r, c).red);
  std::vector<uint8_t> jpeg;
  cv::imencode(".jpg", bgr, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  return jpeg;
}

double face_size(const dlib::drectangle& r) { return std::max(r.width(), r.height()); }

}  // namespace

video_result process_video(const std::string& source, const video_options& options, const model_set& models,
                           const std::function<void(video_event&&)>& emit, const std::atomic<bool>& cancelled) {
  if (options.max_pixels == 0) throw invalid_argument("Expected a positive maxPixels.");
  const auto started = clock_type::now();
  cv::VideoCapture capture = open_capture(source);
  video_result result;
  video_stats& stats = result.stats;
  stats.width = long(capture.get(cv::CAP_PROP_FRAME_WIDTH));
  stats.height = long(capture.get(cv::CAP_PROP_FRAME_HEIGHT));
  stats.fps = capture.get(cv::CAP_PROP_FPS);
  if (!(stats.fps > 0 && stats.fps < 1000)) stats.fps = 25;
  double count = capture.get(cv::CAP_PROP_FRAME_COUNT);
  stats.total_frames = count > 0 && count < 1e9 ? long(count) : 0;
  if (uint64_t(std::max(stats.width, 0L)) * uint64_t(std::max(stats.height, 0L)) > options.max_pixels)
    throw face_error("IMAGE_TOO_LARGE", "The video's frames are " + std::to_string(stats.width) + "x" + std::to_string(stats.height) +
                                            ", more pixels than the limit of " + std::to_string(options.max_pixels) + ".");
  if (stats.total_frames > 0) {
    double duration = stats.total_frames / stats.fps;
    if ((options.max_duration > 0 && duration > options.max_duration) ||
        (options.max_frames > 0 && stats.total_frames > options.max_frames))
      throw face_error("VIDEO_TOO_LONG", "The video lasts " + std::to_string(long(duration)) + " s (" + std::to_string(stats.total_frames) +
                                             " frames); the limit is " +
                                             (options.max_duration > 0 ? std::to_string(long(options.max_duration)) + " s" : "") +
                                             (options.max_duration > 0 && options.max_frames > 0 ? " and " : "") +
                                             (options.max_frames > 0 ? std::to_string(options.max_frames) + " frames" : "") + ".");
  }
  // Long videos keep one box per second per track instead of one per frame.
  const long box_every = stats.total_frames > 1800 || stats.total_frames == 0 ? std::max(1L, std::lround(stats.fps)) : 1;
  const int sample_every = std::max(1, options.sample_every);
  const size_t decide_after = size_t(std::max(1, options.frames_to_decide));

  sort_tracker tracker(options.tracker);
  std::map<int, video_track> tracks;  // by track id, while alive or confirmed
  detect_options detect;
  detect.upsample = options.upsample;
  detect.detector = options.detector;
  detect.cnn = models.cnn;
  if (detect.detector == detector_kind::cnn && !detect.cnn)
    throw face_error("MODEL_NOT_FOUND",
                     "The CNN face detector's models (models/mtcnn/*.onnx) are not loaded. Run `npm run setup` to fetch them.");

  // Frames are read ahead and the detector runs on up to `lookahead` of them at once, one std::async thread
  // each (detection is independent per frame and the largest cost); tracking and encoding then take them in
  // order. lookahead is the thread budget (setThreads), so a job runs at most that many detections at once.
  struct pending_frame {
    long index;
    std::shared_ptr<const rgb_image> image;
    std::future<std::pair<std::vector<detection>, double>> faces;  // valid when the detector runs on it
  };
  std::deque<pending_frame> ahead;
  const size_t lookahead = size_t(std::max(1, thread_budget()));
  bool source_done = false;
  long next_index = 0;
  cv::Mat frame;
  auto read_ahead = [&]() {
    if (cancelled.load()) {
      stats.truncated = stats.cancelled = true;
      return false;
    }
    if ((options.max_frames > 0 && next_index >= options.max_frames) ||
        (options.max_duration > 0 && next_index / stats.fps >= options.max_duration)) {
      stats.truncated = true;
      return false;
    }
    auto t0 = clock_type::now();
    bool ok = false;
    try {
      ok = capture.read(frame);
    } catch (const cv::Exception&) { ok = false; }
    if (!ok || frame.empty()) {
      // A file that ends well before the frame count its container declares has frames that cannot be decoded
      // (damaged or cut): the result covers only part of it, and says so. Counts are estimates, hence the slack.
      if (stats.total_frames > 0 && double(stats.frames_decoded) < 0.95 * double(stats.total_frames) - 1) stats.truncated = true;
      return false;
    }
    if (frame.type() != CV_8UC3) {
      cv::Mat converted;
      if (frame.channels() == 1) cv::cvtColor(frame, converted, cv::COLOR_GRAY2BGR);
      else if (frame.channels() == 4) cv::cvtColor(frame, converted, cv::COLOR_BGRA2BGR);
      else return false;
      frame = converted;
    }
    if (uint64_t(frame.cols) * uint64_t(frame.rows) > options.max_pixels)
      throw face_error("IMAGE_TOO_LARGE", "A video frame is larger than the pixel limit.");
    auto image = std::make_shared<const rgb_image>(rgb_from_bgr(frame));
    stats.frames_decoded++;
    stats.seconds_decode += seconds_since(t0);
    pending_frame p{next_index, image, {}};
    if (next_index % sample_every == 0) {
      p.faces = std::async(std::launch::async, [image, detect] {
        auto t1 = clock_type::now();
        auto found = detect_faces(*image, detect);
        return std::make_pair(std::move(found), seconds_since(t1));
      });
    }
    ahead.push_back(std::move(p));
    next_index++;
    return true;
  };

  for (;;) {
    while (!source_done && ahead.size() < lookahead) source_done = !read_ahead();
    if (ahead.empty()) break;
    pending_frame current = std::move(ahead.front());
    ahead.pop_front();
    const long index = current.index;
    const rgb_image& image = *current.image;
    const bool detect_now = current.faces.valid();
    std::vector<detection> found;
    if (detect_now) {
      auto [faces, seconds] = current.faces.get();
      found = std::move(faces);
      stats.frames_detected++;
      stats.seconds_detect += seconds;
    }

    // Which faces to encode on this frame.
    std::vector<dlib::rectangle> to_encode;
    std::vector<int> encode_track;  // track id, or 0 in every-frame mode
    std::vector<double> encode_score;
    if (options.every_frame) {
      for (const auto& f : found) {
        if (face_size(f.rect) < options.min_face_size) continue;
        to_encode.push_back(f.rect);
        encode_track.push_back(0);
        encode_score.push_back(f.score);
      }
    } else {
      auto t2 = clock_type::now();
      std::vector<dlib::drectangle> boxes;
      for (const auto& f : found) boxes.emplace_back(f.rect);
      const auto& states = detect_now ? tracker.update(boxes) : tracker.predict();
      for (const auto& s : states) {
        video_track& t = tracks[s.id];
        t.id = s.id;
        if (t.first_frame < 0) t.first_frame = index;
        t.last_frame = index;
        t.confirmed = t.confirmed || s.confirmed();
        if ((index - t.first_frame) % box_every == 0 || s.detection >= 0) t.boxes.push_back({index, s.box});
        if (s.detection < 0) continue;
        const auto& det = found[s.detection];
        t.largest_face = std::max(t.largest_face, face_size(det.rect));
        if (t.samples.size() < decide_after && face_size(det.rect) >= options.min_face_size) {
          to_encode.push_back(det.rect);
          encode_track.push_back(s.id);
          encode_score.push_back(det.score);
        }
      }
      // A track the tracker dropped before confirming it was a passing false detection: forget it now,
      // so a long stream does not collect them.
      if (detect_now) {
        for (auto it = tracks.begin(); it != tracks.end();) {
          bool alive = std::any_of(states.begin(), states.end(), [&](const track_state& s) { return s.id == it->first; });
          it = !alive && !it->second.confirmed ? tracks.erase(it) : std::next(it);
        }
      }
      stats.seconds_track += seconds_since(t2);
    }

    if (!to_encode.empty()) {
      auto t3 = clock_type::now();
      auto shapes = find_landmarks(*models.shape_predictor, image, to_encode);
      auto chips = extract_chips(image, shapes);
      auto encodings = models.encoder->encode(chips, 0, 16);
      stats.faces_encoded += long(encodings.size());
      for (size_t i = 0; i < encodings.size() && !options.every_frame; ++i) {
        video_track& t = tracks[encode_track[i]];
        t.samples.push_back(encodings[i]);
        t.sample_frames.push_back(index);
        if (encode_score[i] > t.best_score) {
          t.best_score = encode_score[i];
          t.thumbnail_jpeg = jpeg_of(chips[i]);
        }
      }
      stats.seconds_encode += seconds_since(t3);
    }

    // Tracks that just got their N encodings are announced, so live streams name people as soon as possible.
    for (const auto& s : tracker.tracks()) {
      auto found_track = tracks.find(s.id);
      if (found_track == tracks.end()) continue;
      video_track& t = found_track->second;
      if (!t.reported && s.confirmed() && t.samples.size() >= decide_after) {
        t.reported = true;
        video_event e;
        e.kind = video_event::decided;
        e.frame = index;
        e.total_frames = stats.total_frames;
        e.fps = stats.fps;
        e.track = t;
        e.track.boxes.clear();
        emit(std::move(e));
      }
    }
    if (index % 10 == 0) {
      video_event e;
      e.frame = index;
      e.total_frames = stats.total_frames;
      emit(std::move(e));
    }
  }
  if (stats.frames_decoded == 0 && !stats.cancelled)
    throw face_error("INVALID_VIDEO", "The video " + source + " holds no frame that can be decoded.");

  // Only tracks the tracker confirmed (matched min_hits times) count as faces; the rest were passing false detections.
  for (auto& [id, t] : tracks)
    if (t.confirmed) result.tracks.push_back(std::move(t));
  stats.seconds_wall = seconds_since(started);
  return result;
}

long annotate_video(const std::string& source, const std::string& destination, const std::vector<annotation>& tracks,
                    const std::string& codec) {
  cv::VideoCapture capture = open_capture(source);
  double fps = capture.get(cv::CAP_PROP_FPS);
  if (!(fps > 0 && fps < 1000)) fps = 25;
  const int width = int(capture.get(cv::CAP_PROP_FRAME_WIDTH)), height = int(capture.get(cv::CAP_PROP_FRAME_HEIGHT));
  if (codec.size() != 4) throw invalid_argument("Expected a four-character codec such as mp4v or avc1");
  cv::VideoWriter writer(destination, cv::CAP_FFMPEG, cv::VideoWriter::fourcc(codec[0], codec[1], codec[2], codec[3]), fps,
                         cv::Size(width, height));
  if (!writer.isOpened())
    throw face_error("INVALID_VIDEO", "Cannot write the annotated video " + destination + " with codec " + codec + ".");

  // Per track, the box to draw at a frame is the last one recorded at or before it, while the track lives.
  std::vector<size_t> cursor(tracks.size(), 0);
  cv::Mat frame;
  long index = 0;
  for (; capture.read(frame) && !frame.empty(); ++index) {
    for (size_t t = 0; t < tracks.size(); ++t) {
      const auto& boxes = tracks[t].boxes;
      if (boxes.empty() || index < boxes.front().frame || index > boxes.back().frame) continue;
      while (cursor[t] + 1 < boxes.size() && boxes[cursor[t] + 1].frame <= index) ++cursor[t];
      const dlib::drectangle& b = boxes[cursor[t]].box;
      cv::Rect r(int(b.left()), int(b.top()), int(b.width()), int(b.height()));
      cv::rectangle(frame, r, cv::Scalar(0, 200, 0), 2);
      cv::putText(frame, tracks[t].label, cv::Point(r.x, std::max(12, r.y - 6)), cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(0, 200, 0), 1,
                  cv::LINE_AA);
    }
    writer.write(frame);
  }
  if (index == 0) throw face_error("INVALID_VIDEO", "The video " + source + " holds no frame that can be decoded.");
  return index;
}

}  // namespace face
