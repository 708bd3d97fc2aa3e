// The thread budget, and handing it to OpenCV and (when present) OpenBLAS.
#include "threads.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <opencv2/core/utility.hpp>
#include <thread>

namespace face {
namespace {

std::atomic<int> budget{int(std::max(1u, std::thread::hardware_concurrency()))};

// dlib links whatever libblas.so points at; only OpenBLAS has this function. RTLD_DEFAULT from inside the addon
// searches the addon's own dependencies too, so the symbol is found when OpenBLAS is the loaded BLAS.
void set_openblas_threads(int n) {
  using set_fn = void (*)(int);
  if (auto set = reinterpret_cast<set_fn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(n);
}

}  // namespace

int thread_budget() { return budget.load(std::memory_order_relaxed); }

void set_thread_budget(int n) {
  n = std::max(1, n);
  budget.store(n, std::memory_order_relaxed);
  cv::setNumThreads(n);
  set_openblas_threads(n);
}

}  // namespace face
