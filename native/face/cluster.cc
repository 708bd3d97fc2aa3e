// Stage 8: chinese whispers over the graph of encodings closer than the threshold.
#include "cluster.h"

#include <dlib/clustering.h>

#include <cmath>
#include <unordered_map>

namespace face {

std::vector<unsigned long> cluster_encodings(const float* encodings, size_t count, double threshold) {
  std::vector<dlib::sample_pair> edges;
  for (size_t i = 0; i < count; ++i) {
    edges.emplace_back(i, i);  // every face is at least its own cluster
    for (size_t j = i + 1; j < count; ++j) {
      double sum = 0;
      for (size_t d = 0; d < 128; ++d) {
        double diff = double(encodings[i * 128 + d]) - double(encodings[j * 128 + d]);
        sum += diff * diff;
      }
      if (std::sqrt(sum) < threshold) edges.emplace_back(i, j);
    }
  }
  std::vector<unsigned long> raw;
  dlib::chinese_whispers(edges, raw);
  raw.resize(count);
  // Renumber so labels appear in input order: the first face is cluster 0, and so on.
  std::unordered_map<unsigned long, unsigned long> renumber;
  std::vector<unsigned long> labels(count);
  for (size_t i = 0; i < count; ++i) labels[i] = renumber.emplace(raw[i], renumber.size()).first->second;
  return labels;
}

}  // namespace face
