// The process-wide model slot.
#include "models.h"

#include <mutex>

#include "detect.h"
#include "errors.h"

namespace face {
namespace {
std::mutex slot_mutex;
std::shared_ptr<const model_set> slot;
}  // namespace

std::shared_ptr<const model_set> current_models() {
  std::lock_guard<std::mutex> lock(slot_mutex);
  return slot;
}

void install_models(std::shared_ptr<const model_set> models) {
  std::lock_guard<std::mutex> lock(slot_mutex);
  slot = std::move(models);
}

void release_models() {
  {
    std::lock_guard<std::mutex> lock(slot_mutex);
    slot.reset();
  }
  release_detectors();
}

std::shared_ptr<const model_set> require_models() {
  auto models = current_models();
  if (!models) throw FaceError("MODEL_NOT_FOUND", "The face models are not loaded (they were released); load them again first.");
  return models;
}

}  // namespace face
