// The check program for MTCNN's kernels on a CPU without the rest of the core: reads the check data written by the
// addon (testing.writeMtcnnCheckData: the nets' weights, inputs, and OpenCV DNN's outputs for them), runs the kernels
// of every instruction set this CPU runs on the same inputs, and prints one JSON line per set with how far the
// kernels are from OpenCV. Built with only the kernels (native/face/mtcnn_nets.cc, mtcnn_check.cc) and Highway's
// headers, so a cross compiler builds it; test/core/kernels-aarch64.test.ts runs it under emulation.
// Usage: mtcnn_kernels_check <check data file>. Exit 0 when it ran (the caller judges the figures), 1 on bad input.
#include <cstdio>
#include <exception>

#include "face/mtcnn_check.h"

namespace {

void print(const char* name, const face::mtcnn::net_agreement& a, bool last) {
  std::printf("\"%s\":{\"compared\":%d,\"facesOurs\":%d,\"facesOpencv\":%d,\"maxScoreDiff\":%.9g,\"maxOutputDiff\":%.9g}%s", name,
              a.compared, a.faces_ours, a.faces_opencv, a.max_score_diff, a.max_output_diff, last ? "" : ",");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <check data file>\n", argv[0]);
    return 1;
  }
  try {
    const face::mtcnn::check_data data = face::mtcnn::read_check_data(argv[1]);
    for (const face::mtcnn::target& t : face::mtcnn::supported_targets()) {
      const face::mtcnn::agreement a = face::mtcnn::compare(data, t);
      std::printf("{\"kernels\":\"%s\",", t.name());
      print("pnet", a.pnet, false);
      print("rnet", a.rnet, false);
      print("onet", a.onet, true);
      std::printf("}\n");
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
