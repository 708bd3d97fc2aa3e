// A time limit on one job's native work. It is checked between steps (decoding, each level of the CNN's pyramid,
// each turned copy, landmarks and encoding); a step itself is not interrupted, so a job stops at most one step late.
#pragma once
#include <chrono>
#include <string>

#include "errors.h"

namespace face {

class deadline {
 public:
  using clock = std::chrono::steady_clock;

  // No limit.
  deadline() = default;
  // `ms` milliseconds from now; 0 or less means no limit.
  static deadline in_ms(double ms) {
    deadline d;
    if (ms > 0) d.at_ = clock::now() + std::chrono::microseconds(static_cast<long long>(ms * 1000));
    return d;
  }

  bool passed() const { return at_ != clock::time_point::max() && clock::now() >= at_; }

  // throws face_error TIMEOUT once the limit has passed.
  void check() const {
    if (passed()) throw face_error("TIMEOUT", "The work took longer than its time limit and was stopped.");
  }

 private:
  clock::time_point at_ = clock::time_point::max();
};

}  // namespace face
