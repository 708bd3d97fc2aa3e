"""Benchmark peer for bench/detect.ts: face_recognition's HOG detector (dlib, upsample 1 by default) on photos.

Run with the interpreter of .bench-venv/ (bench/peers/setup-python-peer.sh). Prints one JSON object:
{"msPerImage": median over runs of the mean ms per image, "boxes": {file: [[x, y, w, h], ...]}}.

  python face_recognition_detect.py --runs 3 --upsample 1 IMAGE.jpg ...
"""

import argparse
import json
import statistics
import time

import face_recognition


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--upsample", type=int, default=1)
    ap.add_argument("images", nargs="+")
    args = ap.parse_args()
    imgs = [face_recognition.load_image_file(p) for p in args.images]
    face_recognition.face_locations(imgs[0], number_of_times_to_upsample=args.upsample)  # warm-up
    boxes = {}
    passes = []
    for _ in range(max(1, args.runs)):
        t0 = time.perf_counter()
        for path, im in zip(args.images, imgs):
            locs = face_recognition.face_locations(im, number_of_times_to_upsample=args.upsample, model="hog")
            boxes[path] = [[left, top, right - left, bottom - top] for (top, right, bottom, left) in locs]
        passes.append((time.perf_counter() - t0) * 1000.0 / len(imgs))
    print(json.dumps({"msPerImage": statistics.median(passes), "boxes": boxes}))


if __name__ == "__main__":
    main()
