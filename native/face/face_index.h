// Stage 7: an in-memory gallery of 128-d encodings with exact nearest-neighbour search.
// Vectors sit in one contiguous array scanned by up to thread_budget() threads (threads.h); answers equal a brute-force scan.
#pragma once
#include <cstddef>
#include <cstdint>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

namespace face {

class face_index {
 public:
  static constexpr size_t dims = 128;

  struct match {
    int64_t id;
    double distance;  // Euclidean
  };

  // ensures: id maps to this encoding (an existing id is overwritten).
  void add(int64_t id, const float* encoding);
  void add_many(const int64_t* ids, const float* encodings, size_t count);
  // ensures: room for `count` encodings in all, so adding up to that many never copies the index to grow it.
  void reserve(size_t count);
  // ensures: returns whether id was present; it is gone afterwards.
  bool remove(int64_t id);
  bool contains(int64_t id) const;
  size_t size() const;
  size_t memory_bytes() const;
  void clear();

  // ensures: the k nearest encodings within max_distance, nearest first. Safe alongside other searches;
  // add/remove wait for running searches.
  std::vector<match> search(const float* query, size_t k, double max_distance) const;

 private:
  void put(int64_t id, const float* encoding);
  mutable std::shared_mutex mutex_;
  std::vector<float> vectors_;
  std::vector<int64_t> ids_;
  std::unordered_map<int64_t, size_t> slots_;
};

}  // namespace face
