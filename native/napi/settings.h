// The addon's process-wide settings (the thread budget) and the limits it enforces, exported for TypeScript to
// check arguments against the same numbers (src/core/limits.ts) rather than copies of them.
#pragma once
#include <napi.h>

namespace face {

// Exports setThreads(n), threadBudget() and `limits`, a frozen object of the native limits.
void register_settings(Napi::Env env, Napi::Object exports);

}  // namespace face
