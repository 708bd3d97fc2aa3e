// Stage 7: brute-force exact search, split across up to thread_budget() threads, top-k kept in a bounded max-heap per thread.
#include "face_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <queue>
#include <thread>

#include "threads.h"

namespace face {
namespace {

// Squared distance over dims [begin, end) in sixteen float lanes; the compiler turns the inner loop into SIMD.
inline float squared_distance(const float* a, const float* b, size_t begin, size_t end) {
  float lanes[16] = {0};
  for (size_t i = begin; i < end; i += 16)
    for (size_t j = 0; j < 16; ++j) {
      float d = a[i + j] - b[i + j];
      lanes[j] += d * d;
    }
  float sum = 0;
  for (float lane : lanes) sum += lane;
  return sum;
}

constexpr size_t prefix_dims = 32;  // two cache lines: enough to rule most vectors out

double exact_distance(const float* a, const float* b) {
  double sum = 0;
  for (size_t i = 0; i < face_index::dims; ++i) {
    double d = double(a[i]) - double(b[i]);
    sum += d * d;
  }
  return std::sqrt(sum);
}

using candidate = std::pair<float, size_t>;  // squared distance, slot

void scan(const float* vectors, size_t begin, size_t end, const float* query, size_t k, float limit, std::vector<candidate>& out) {
  std::priority_queue<candidate> heap;  // worst on top
  for (size_t slot = begin; slot < end; ++slot) {
    const float* v = vectors + slot * face_index::dims;
    // A partial sum only grows: once the first dims are past the bound, the rest of the vector need not be read.
    const float bound = heap.size() < k ? limit : std::min(limit, heap.top().first);
    float d = squared_distance(v, query, 0, prefix_dims);
    if (d > bound) continue;
    d += squared_distance(v, query, prefix_dims, face_index::dims);
    if (d > limit) continue;
    if (heap.size() < k) {
      heap.emplace(d, slot);
    } else if (d < heap.top().first) {
      heap.pop();
      heap.emplace(d, slot);
    }
  }
  out.reserve(heap.size());
  while (!heap.empty()) {
    out.push_back(heap.top());
    heap.pop();
  }
}

}  // namespace

void face_index::put(int64_t id, const float* encoding) {
  auto found = slots_.find(id);
  if (found != slots_.end()) {
    std::memcpy(vectors_.data() + found->second * dims, encoding, dims * sizeof(float));
    return;
  }
  slots_.emplace(id, ids_.size());
  ids_.push_back(id);
  vectors_.insert(vectors_.end(), encoding, encoding + dims);
}

void face_index::add(int64_t id, const float* encoding) {
  std::unique_lock lock(mutex_);
  put(id, encoding);
}

void face_index::add_many(const int64_t* ids, const float* encodings, size_t count) {
  std::unique_lock lock(mutex_);
  size_t wanted = ids_.size() + count;
  if (wanted > ids_.capacity()) {
    // Grow by at most a quarter beyond need, not the default doubling: the index is the biggest thing in memory.
    size_t target = std::max(wanted, ids_.capacity() + ids_.capacity() / 4);
    ids_.reserve(target);
    vectors_.reserve(target * dims);
    slots_.reserve(target);
  }
  for (size_t i = 0; i < count; ++i) put(ids[i], encodings + i * dims);
}

void face_index::reserve(size_t count) {
  std::unique_lock lock(mutex_);
  if (count <= ids_.capacity()) return;
  ids_.reserve(count);
  vectors_.reserve(count * dims);
  slots_.reserve(count);
}

bool face_index::remove(int64_t id) {
  std::unique_lock lock(mutex_);
  auto found = slots_.find(id);
  if (found == slots_.end()) return false;
  size_t slot = found->second, last = ids_.size() - 1;
  if (slot != last) {  // move the last vector into the hole
    std::memcpy(vectors_.data() + slot * dims, vectors_.data() + last * dims, dims * sizeof(float));
    ids_[slot] = ids_[last];
    slots_[ids_[slot]] = slot;
  }
  ids_.pop_back();
  vectors_.resize(last * dims);
  slots_.erase(found);
  return true;
}

bool face_index::contains(int64_t id) const {
  std::shared_lock lock(mutex_);
  return slots_.count(id) > 0;
}

size_t face_index::size() const {
  std::shared_lock lock(mutex_);
  return ids_.size();
}

size_t face_index::memory_bytes() const {
  std::shared_lock lock(mutex_);
  // vectors + ids + hash nodes (key, value, next pointer, cached hash) + bucket array
  return vectors_.capacity() * sizeof(float) + ids_.capacity() * sizeof(int64_t) +
         slots_.size() * (sizeof(int64_t) + sizeof(size_t) + 2 * sizeof(void*)) + slots_.bucket_count() * sizeof(void*);
}

void face_index::clear() {
  std::unique_lock lock(mutex_);
  std::vector<float>().swap(vectors_);
  std::vector<int64_t>().swap(ids_);
  std::unordered_map<int64_t, size_t>().swap(slots_);
}

std::vector<face_index::match> face_index::search(const float* query, size_t k, double max_distance) const {
  std::shared_lock lock(mutex_);
  const size_t n = ids_.size();
  if (n == 0 || k == 0) return {};
  // Compare squared float distances with a little slack; the exact double distance decides below.
  const float limit =
      std::isfinite(max_distance) ? float(max_distance * max_distance) * 1.0001f + 1e-6f : std::numeric_limits<float>::infinity();

  // One thread per 32768 vectors, at most the thread budget (setThreads).
  const size_t threads = std::min<size_t>(size_t(thread_budget()), 1 + n / 32768);
  std::vector<std::vector<candidate>> partial(threads);
  if (threads == 1) {
    scan(vectors_.data(), 0, n, query, k, limit, partial[0]);
  } else {
    std::vector<std::thread> workers;
    const size_t chunk = (n + threads - 1) / threads;
    for (size_t t = 0; t < threads; ++t) {
      size_t begin = t * chunk, end = std::min(n, begin + chunk);
      workers.emplace_back(scan, vectors_.data(), begin, end, query, k, limit, std::ref(partial[t]));
    }
    for (auto& w : workers) w.join();
  }

  std::vector<match> out;
  for (const auto& part : partial)
    for (const auto& [d, slot] : part) {
      double distance = exact_distance(vectors_.data() + slot * dims, query);
      if (distance <= max_distance) out.push_back({ids_[slot], distance});
    }
  std::sort(out.begin(), out.end(),
            [](const match& a, const match& b) { return a.distance < b.distance || (a.distance == b.distance && a.id < b.id); });
  if (out.size() > k) out.resize(k);
  return out;
}

}  // namespace face
