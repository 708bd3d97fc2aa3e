// The one error type of the native core: a stable code plus a message a person can act on.
// Workers catch it in Execute(); napi/errors.h turns it into an instance of the JS error class (FaceCoreError).
#pragma once
#include <stdexcept>
#include <string>

namespace face {

struct face_error : std::runtime_error {
  std::string code;
  face_error(std::string code_, const std::string& message) : std::runtime_error(message), code(std::move(code_)) {}
};

inline face_error invalid_argument(const std::string& message) { return face_error("INVALID_ARGUMENT", message); }

}  // namespace face
