"""Benchmark peer for bench/detect.ts: face_recognition (dlib HOG, upsample 1 by default) on photos.

Run with the interpreter of .bench-venv/ (bench/peers/setup-python-peer.sh). Prints one JSON object.

  python face_recognition_photos.py detect --runs 3 --upsample 1 IMAGE.jpg ...
      face_locations on photos decoded beforehand:
      {"msPerImage": median over runs of the mean ms per image, "boxes": {file: [[x, y, w, h], ...]}}
  python face_recognition_photos.py e2e --runs 3 --upsample 1 IMAGE.jpg ...
      per photo: load_image_file (Pillow decode) -> face_locations(img, upsample, model="hog")
      -> face_encodings(img, locations) (5-point landmarks, align, dlib ResNet, every face):
      {"wall": [[ms per file] per pass], "cpu": [[process CPU ms per file] per pass],
       "boxes": {file: [[x, y, w, h], ...]}, "versions": {...}, "build": {...}}
"""

import argparse
import json
import statistics
import sys
import time

import dlib
import face_recognition
import numpy as np


def xywh(locs):
    """face_recognition's (top, right, bottom, left) boxes as [x, y, width, height]."""
    return [[left, top, right - left, bottom - top] for (top, right, bottom, left) in locs]


def detect(args):
    locate = lambda im: face_recognition.face_locations(im, number_of_times_to_upsample=args.upsample, model="hog")
    imgs = [face_recognition.load_image_file(p) for p in args.images]
    locate(imgs[0])  # warm-up
    boxes = {}
    passes = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for path, im in zip(args.images, imgs):
            boxes[path] = xywh(locate(im))
        passes.append((time.perf_counter() - t0) * 1000.0 / len(imgs))
    return {"msPerImage": statistics.median(passes), "boxes": boxes}


def e2e(args):
    def one(path):
        img = face_recognition.load_image_file(path)
        locs = face_recognition.face_locations(img, number_of_times_to_upsample=args.upsample, model="hog")
        encs = face_recognition.face_encodings(img, known_face_locations=locs)
        return locs, encs

    one(args.images[0])  # warm-up: models loaded at import, first call allocates
    boxes = {}
    wall, cpu = [], []
    for _ in range(args.runs):
        w, c = [], []
        for path in args.images:
            t0, c0 = time.perf_counter(), time.process_time()
            locs, encs = one(path)
            w.append((time.perf_counter() - t0) * 1000.0)
            c.append((time.process_time() - c0) * 1000.0)
            assert len(encs) == len(locs)
            boxes[path] = xywh(locs)
        wall.append(w)
        cpu.append(c)
    return {
        "wall": wall,
        "cpu": cpu,
        "boxes": boxes,
        "versions": {"dlib": dlib.__version__, "face_recognition": face_recognition.__version__,
                     "numpy": np.__version__, "python": sys.version.split()[0]},
        "build": {"avx": bool(getattr(dlib, "USE_AVX_INSTRUCTIONS", False)),
                  "blas": bool(getattr(dlib, "DLIB_USE_BLAS", False)),
                  "cuda": bool(getattr(dlib, "DLIB_USE_CUDA", False))},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["detect", "e2e"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--upsample", type=int, default=1)
    ap.add_argument("images", nargs="+")
    args = ap.parse_args()
    args.runs = max(1, args.runs)
    print(json.dumps(detect(args) if args.mode == "detect" else e2e(args)))


if __name__ == "__main__":
    main()
