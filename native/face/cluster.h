// Stage 8: group encodings into people without labels (dlib's chinese whispers graph clustering).
#pragma once
#include <cstddef>
#include <vector>

namespace face {

// requires: encodings holds count * 128 floats.
// ensures: one label per encoding, 0..clusters-1, labels numbered in order of first appearance;
//          encodings closer than threshold are linked. Deterministic for the same input.
std::vector<unsigned long> cluster_encodings(const float* encodings, size_t count, double threshold);

}  // namespace face
