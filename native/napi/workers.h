// Runs native work off the JavaScript thread and settles a promise with the result.
// The pattern of sharp's batons: everything the work needs is copied out of JS values on the main
// thread; Execute() touches no JS value and turns every C++ exception into a code and message, which
// OnError() hands to make_error() (the registered error class) on the main thread.
#pragma once
#include <napi.h>

#include <functional>
#include <new>
#include <string>

#include "errors.h"

namespace face {

template <typename Result> class promise_worker : public Napi::AsyncWorker {
 public:
  using work_fn = std::function<Result()>;
  using settle_fn = std::function<Napi::Value(Napi::Env, Result&)>;

  // Queues work on libuv's pool and returns the promise it will settle.
  static Napi::Promise start(Napi::Env env, work_fn work, settle_fn settle) {
    auto* worker = new promise_worker(env, std::move(work), std::move(settle));
    Napi::Promise promise = worker->deferred_.Promise();
    worker->Queue();
    return promise;
  }

 protected:
  void Execute() override {
    try {
      result_ = work_();
    } catch (const face_error& e) { fail(e.code, e.what()); } catch (const std::bad_alloc&) {
      fail("INTERNAL", "Out of memory while processing the image.");
    } catch (const std::exception& e) { fail("INTERNAL", std::string("Native face core error: ") + e.what()); } catch (...) {
      fail("INTERNAL", "Native face core error of unknown kind.");
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    try {
      deferred_.Resolve(settle_(env, result_));
    } catch (const Napi::Error& e) { deferred_.Reject(e.Value()); }
  }

  void OnError(const Napi::Error&) override { deferred_.Reject(make_error(Env(), code_, message_).Value()); }

 private:
  promise_worker(Napi::Env env, work_fn work, settle_fn settle)
      : Napi::AsyncWorker(env, "face-core"),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        settle_(std::move(settle)) {}

  void fail(const std::string& code, const std::string& message) {
    code_ = code;
    message_ = message;
    SetError(message);
  }

  Napi::Promise::Deferred deferred_;
  work_fn work_;
  settle_fn settle_;
  Result result_{};
  std::string code_, message_;
};

}  // namespace face
