// The native core's one thread budget, set from JavaScript by setThreads(n): how many threads one index search
// and one video job's detection look-ahead may start, and the thread count given to OpenCV and OpenBLAS.
#pragma once

namespace face {

// The largest budget set_thread_budget() takes (setThreads refuses more; exported in the addon's `limits`).
constexpr int max_thread_budget = 1024;

// ensures: the budget last set, or the machine's hardware threads before any set_thread_budget().
int thread_budget();

// requires: 1 <= n <= max_thread_budget.
// ensures: later searches and video jobs use at most n threads each; OpenCV's parallel_for_ (its DNN layers)
// uses n threads; OpenBLAS, when it is the BLAS that got loaded, uses n threads for dlib's matrix products.
// OpenCV's and OpenBLAS's counts are process-wide, so this affects every job from now on.
void set_thread_budget(int n);

}  // namespace face
