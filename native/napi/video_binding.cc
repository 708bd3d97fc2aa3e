// Video jobs run in an AsyncProgressQueueWorker: frames are processed off the JavaScript thread and
// progress / 'decided' events are queued back to a JS callback; cancel() stops the loop at the next frame.
#include "video_binding.h"

#include <atomic>
#include <climits>
#include <cmath>
#include <cstring>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "convert.h"
#include "face/models.h"
#include "face/video.h"
#include "workers.h"

namespace face {
namespace {

Napi::Object track_to_js(Napi::Env env, const video_track& t, double fps) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("id", double(t.id));
  o.Set("firstFrame", double(t.first_frame));
  o.Set("lastFrame", double(t.last_frame));
  o.Set("firstTime", t.first_frame / fps);
  o.Set("lastTime", t.last_frame / fps);
  o.Set("largestFace", t.largest_face);
  Napi::Array boxes = Napi::Array::New(env, t.boxes.size());
  for (size_t i = 0; i < t.boxes.size(); ++i) {
    const auto& b = t.boxes[i];
    Napi::Object box = Napi::Object::New(env);
    box.Set("frame", double(b.frame));
    box.Set("x", std::round(b.box.left()));
    box.Set("y", std::round(b.box.top()));
    box.Set("width", std::round(b.box.width()));
    box.Set("height", std::round(b.box.height()));
    boxes.Set(uint32_t(i), box);
  }
  o.Set("boxes", boxes);
  o.Set("encodings", from_encodings(env, t.samples));
  Napi::Array frames = Napi::Array::New(env, t.sample_frames.size());
  for (size_t i = 0; i < t.sample_frames.size(); ++i) frames.Set(uint32_t(i), double(t.sample_frames[i]));
  o.Set("sampleFrames", frames);
  o.Set("thumbnail", Napi::Buffer<uint8_t>::Copy(env, t.thumbnail_jpeg.data(), t.thumbnail_jpeg.size()));
  return o;
}

Napi::Object stats_to_js(Napi::Env env, const video_stats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("framesDecoded", double(s.frames_decoded));
  o.Set("framesDetected", double(s.frames_detected));
  o.Set("facesEncoded", double(s.faces_encoded));
  o.Set("totalFrames", double(s.total_frames));
  o.Set("width", double(s.width));
  o.Set("height", double(s.height));
  o.Set("fps", s.fps);
  o.Set("decodeSeconds", s.seconds_decode);
  o.Set("detectSeconds", s.seconds_detect);
  o.Set("trackSeconds", s.seconds_track);
  o.Set("encodeSeconds", s.seconds_encode);
  o.Set("wallSeconds", s.seconds_wall);
  o.Set("framesPerSecond", s.seconds_wall > 0 ? s.frames_decoded / s.seconds_wall : 0);
  o.Set("truncated", s.truncated);
  o.Set("cancelled", s.cancelled);
  return o;
}

class video_worker : public Napi::AsyncProgressQueueWorker<video_event> {
 public:
  video_worker(Napi::Env env, Napi::Function on_event, std::string source, video_options options, std::shared_ptr<const model_set> models,
               std::shared_ptr<std::atomic<bool>> cancelled)
      : Napi::AsyncProgressQueueWorker<video_event>(env, "face-video"),
        deferred_(Napi::Promise::Deferred::New(env)),
        source_(std::move(source)),
        options_(options),
        models_(std::move(models)),
        cancelled_(std::move(cancelled)) {
    if (!on_event.IsEmpty()) on_event_ = Napi::Persistent(on_event);
  }

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      result_ = process_video(
          source_, options_, *models_, [&](video_event&& e) { progress.Send(&e, 1); }, *cancelled_);
    } catch (const face_error& e) {
      code_ = e.code;
      SetError(e.what());
    } catch (const std::exception& e) {
      code_ = "INTERNAL";
      SetError(std::string("Video processing failed: ") + e.what());
    }
  }

  void OnProgress(const video_event* events, size_t count) override {
    if (on_event_.IsEmpty()) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    for (size_t i = 0; i < count; ++i) {
      const video_event& e = events[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("type", e.kind == video_event::decided ? "decided" : "progress");
      o.Set("frame", double(e.frame));
      o.Set("totalFrames", double(e.total_frames));
      if (e.kind == video_event::decided) o.Set("track", track_to_js(env, e.track, e.fps));
      try {
        on_event_.Call({o});
      } catch (const Napi::Error&) {
        // A throwing listener must not stop the job; the error is the listener's to report.
      }
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object out = Napi::Object::New(env);
    double fps = result_.stats.fps > 0 ? result_.stats.fps : 25;
    Napi::Array tracks = Napi::Array::New(env, result_.tracks.size());
    for (size_t i = 0; i < result_.tracks.size(); ++i) tracks.Set(uint32_t(i), track_to_js(env, result_.tracks[i], fps));
    out.Set("tracks", tracks);
    out.Set("stats", stats_to_js(env, result_.stats));
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& error) override {
    deferred_.Reject(make_error(Env(), code_.empty() ? "INTERNAL" : code_, error.Message()).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::FunctionReference on_event_;
  std::string source_;
  video_options options_;
  std::shared_ptr<const model_set> models_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  video_result result_;
  std::string code_;
};

// Every option is required: TypeScript resolves them from src/core/limits.ts, where their ranges are checked.
// The bounds here only keep the loop finite and the casts defined.
video_options to_video_options(const Napi::Object& o) {
  video_options v;
  v.sample_every = int(required_integer(o, "sampleEvery", 1, INT_MAX));  // a modulus: 0 would divide by zero
  v.frames_to_decide = int(required_integer(o, "framesToDecide", 1, INT_MAX));
  v.upsample = int(required_integer(o, "upsample", 0, max_upsample));
  v.detector = to_detector(o.Get("detector"));
  v.max_frames = required_integer(o, "maxFrames", 0, 9007199254740991.0);
  v.tracker.min_hits = int(required_integer(o, "minHits", 0, INT_MAX));
  v.tracker.max_age = int(required_integer(o, "maxAge", 0, INT_MAX));
  v.min_face_size = required_number(o, "minFaceSize");
  v.max_duration = required_number(o, "maxDuration");
  v.tracker.iou_threshold = required_number(o, "iouThreshold");
  v.max_pixels = to_max_pixels(o.Get("maxPixels"));
  v.every_frame = o.Get("everyFrame").ToBoolean();
  return v;
}

// recognizeVideo(models, source, options, onEvent) -> { promise, cancel() }
Napi::Value RecognizeVideo(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto models = to_models(info[0]);
    if (!info[1].IsString()) throw invalid_argument("Expected a video path, stream URL or device");
    std::string source = info[1].As<Napi::String>();
    if (source.empty() || source.find('\0') != std::string::npos) throw invalid_argument("Expected a non-empty video source");
    if (!info[2].IsObject()) throw invalid_argument("Expected a video options object");
    video_options options = to_video_options(info[2].As<Napi::Object>());
    Napi::Function on_event = info[3].IsFunction() ? info[3].As<Napi::Function>() : Napi::Function();
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    auto* worker = new video_worker(env, on_event, source, options, models, cancelled);
    Napi::Object handle = Napi::Object::New(env);
    handle.Set("promise", worker->promise());
    handle.Set("cancel", Napi::Function::New(env, [cancelled](const Napi::CallbackInfo& i) {
                 cancelled->store(true);
                 return i.Env().Undefined();
               }));
    worker->Queue();
    return handle;
  });
}

// annotateVideo(source, destination, [{label, boxes: [{frame, x, y, width, height}]}], codec) -> Promise<frames written>
Napi::Value AnnotateVideo(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (!info[0].IsString() || !info[1].IsString() || !info[2].IsArray()) throw invalid_argument("Expected source, destination and tracks");
    std::string source = info[0].As<Napi::String>(), destination = info[1].As<Napi::String>();
    std::string codec = info[3].IsString() ? std::string(info[3].As<Napi::String>()) : "mp4v";
    auto tracks = std::make_shared<std::vector<annotation>>();
    Napi::Array array = info[2].As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); ++i) {
      Napi::Object t = array.Get(i).As<Napi::Object>();
      annotation a;
      a.label = t.Get("label").ToString();
      Napi::Array boxes = t.Get("boxes").As<Napi::Array>();
      for (uint32_t b = 0; b < boxes.Length(); ++b) {
        Napi::Object box = boxes.Get(b).As<Napi::Object>();
        double x = number_or(box, "x", 0), y = number_or(box, "y", 0), w = number_or(box, "width", 0), h = number_or(box, "height", 0);
        a.boxes.push_back({long(number_or(box, "frame", 0)), dlib::drectangle(x, y, x + w - 1, y + h - 1)});
      }
      tracks->push_back(std::move(a));
    }
    return promise_worker<long>::start(
        info.Env(), [source, destination, tracks, codec] { return annotate_video(source, destination, *tracks, codec); },
        [](Napi::Env env, long& frames) -> Napi::Value { return Napi::Number::New(env, double(frames)); });
  });
}

// testing.VideoWriter(path, {fps, width, height, codec}): write(rgbFrame), close(). Synchronous; only tests and
// benchmarks use it, to build clips, so it is exported under `testing`, apart from the public functions.
class VideoWriter : public Napi::ObjectWrap<VideoWriter> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "VideoWriter", {InstanceMethod("write", &VideoWriter::Write), InstanceMethod("close", &VideoWriter::Close)});
  }

  explicit VideoWriter(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VideoWriter>(info) {
    guarded(info, [&]() -> Napi::Value {
      if (!info[0].IsString() || !info[1].IsObject()) throw invalid_argument("Expected (path, {fps, width, height, codec})");
      Napi::Object o = info[1].As<Napi::Object>();
      double fps = number_or(o, "fps", 25), w = number_or(o, "width", 0), h = number_or(o, "height", 0);
      std::string codec = o.Get("codec").IsString() ? std::string(o.Get("codec").As<Napi::String>()) : "mp4v";
      if (!(fps > 0 && fps <= 240) || !(w >= 16 && w <= 4096) || !(h >= 16 && h <= 4096) || codec.size() != 4)
        throw invalid_argument("Expected fps in (0, 240], width and height from 16 to 4096, and a four-character codec");
      width_ = int(w);
      height_ = int(h);
      writer_.open(info[0].As<Napi::String>(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc(codec[0], codec[1], codec[2], codec[3]), fps,
                   cv::Size(width_, height_));
      if (!writer_.isOpened()) throw face_error("INVALID_VIDEO", "Cannot open a video writer for codec " + codec + ".");
      return info.Env().Undefined();
    });
  }

 private:
  Napi::Value Write(const Napi::CallbackInfo& info) {
    return guarded(info, [&]() -> Napi::Value {
      rgb_image frame = to_rgb_image(info[0]);
      if (frame.nc() != width_ || frame.nr() != height_) throw invalid_argument("Expected a frame of the writer's size");
      if (!writer_.isOpened()) throw invalid_argument("The writer is closed");
      cv::Mat bgr(height_, width_, CV_8UC3);
      for (int r = 0; r < height_; ++r)
        for (int c = 0; c < width_; ++c) bgr.at<cv::Vec3b>(r, c) = cv::Vec3b(frame(r, c).blue, frame(r, c).green, frame(r, c).red);
      writer_.write(bgr);
      return info.Env().Undefined();
    });
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    writer_.release();
    return info.Env().Undefined();
  }

  cv::VideoWriter writer_;
  int width_ = 0, height_ = 0;
};

// testing.encodeJpeg(rgbImage, quality): the image as JPEG bytes (OpenCV's encoder). Synchronous; tests use it to
// make large photos from the example ones.
Napi::Value EncodeJpeg(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    rgb_image image = to_rgb_image(info[0]);
    const double quality = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 90;
    if (!(quality >= 1 && quality <= 100)) throw invalid_argument("Expected a JPEG quality from 1 to 100");
    cv::Mat rgb(int(image.nr()), int(image.nc()), CV_8UC3, dlib::image_data(image), dlib::width_step(image)), bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<uchar> bytes;
    cv::imencode(".jpg", bgr, bytes, {cv::IMWRITE_JPEG_QUALITY, int(quality)});
    return Napi::Buffer<uchar>::Copy(info.Env(), bytes.data(), bytes.size());
  });
}

}  // namespace

void register_video(Napi::Env env, Napi::Object exports) {
  exports.Set("recognizeVideo", Napi::Function::New(env, RecognizeVideo, "recognizeVideo"));
  exports.Set("annotateVideo", Napi::Function::New(env, AnnotateVideo, "annotateVideo"));
  Napi::Object testing = Napi::Object::New(env);
  testing.Set("VideoWriter", VideoWriter::Define(env));
  testing.Set("encodeJpeg", Napi::Function::New(env, EncodeJpeg, "encodeJpeg"));
  exports.Set("testing", testing);
}

}  // namespace face
