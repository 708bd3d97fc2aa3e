// A small pool of objects that are not safe to share between threads (dlib networks, HOG detectors):
// each worker leases its own and gives it back, so concurrent calls never share one.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace face {

template <typename T> class object_pool {
 public:
  explicit object_pool(std::function<std::unique_ptr<T>()> make) : make_(std::move(make)) {}

  class lease {
   public:
    lease(object_pool& pool, std::unique_ptr<T> item) : pool_(pool), item_(std::move(item)) {}
    lease(const lease&) = delete;
    ~lease() { pool_.give_back(std::move(item_)); }
    T& operator*() { return *item_; }
    T* operator->() { return item_.get(); }

   private:
    object_pool& pool_;
    std::unique_ptr<T> item_;
  };

  lease take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        auto item = std::move(free_.back());
        free_.pop_back();
        return lease(*this, std::move(item));
      }
    }
    return lease(*this, make_());
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.clear();
  }

 private:
  void give_back(std::unique_ptr<T> item) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(item));
  }

  std::function<std::unique_ptr<T>()> make_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<T>> free_;
};

}  // namespace face
