"""Benchmark peer: the Python face_recognition library (dlib at full precision).

Run from bench/core.ts as a subprocess with the interpreter of .bench-venv/
(made by bench/peers/setup-python-peer.sh). Prints one JSON object on stdout.

  python face_recognition_peer.py --johns DIR --runs 5 IMAGE.jpg ...

Measures, on the same files the native core is timed on:
  * decode: face_recognition.load_image_file (Pillow) per image;
  * detect: face_recognition.face_locations (dlib HOG) per image, upsample 0 and 1;
  * landmarks: face_recognition.face_landmarks (68 points) per image, on the
    boxes found with upsample 1;
  * encode on the johns chips (already aligned 150x150 face chips) two ways:
      - "chip": dlib.face_recognition_model_v1.compute_face_descriptor on the
        chip itself (list form = one batch), exactly what the native core's
        encode does; batch 1 and batch 16;
      - "library": face_recognition.face_encodings(chip, known_face_locations=
        [(0, 150, 150, 0)]) - the library's own path, which runs the 5-point
        predictor on the whole chip and re-aligns it before encoding.
  * johns distances (same-person max, different-person min) for both.
"""

import argparse
import json
import os
import statistics
import sys
import time

import dlib
import face_recognition
import face_recognition_models
import numpy as np


def now_ms() -> float:
    return time.perf_counter() * 1000.0


def median_of_runs(runs: int, fn) -> float:
    """fn() returns a per-item time in ms for one pass; the median over runs."""
    return statistics.median(fn() for _ in range(runs))


def distance_stats(encodings, labels):
    enc = np.asarray(encodings, dtype=np.float64)
    same_max, diff_min = 0.0, float("inf")
    separated = 0
    pairs = 0
    for i in range(len(enc)):
        d = np.linalg.norm(enc[i + 1:] - enc[i], axis=1)
        for j, dist in zip(range(i + 1, len(enc)), d):
            pairs += 1
            same = labels[i] == labels[j]
            if same:
                same_max = max(same_max, float(dist))
            else:
                diff_min = min(diff_min, float(dist))
            if (dist < 0.6) == same:
                separated += 1
    return {"sameMax": same_max, "diffMin": diff_min, "pairs": pairs, "pairsRightAt06": separated}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--johns", required=True, help="folder of <Name>/*.jpg aligned chips")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("images", nargs="+", help="photos for decode/detect/landmarks")
    args = ap.parse_args()
    runs = max(1, args.runs)

    out = {
        "versions": {
            "dlib": dlib.__version__,
            "face_recognition": face_recognition.__version__,
            "numpy": np.__version__,
            "python": sys.version.split()[0],
        },
        "dlibBuild": {
            "avx": bool(getattr(dlib, "USE_AVX_INSTRUCTIONS", False)),
            "blas": bool(getattr(dlib, "DLIB_USE_BLAS", False)),
            "cuda": bool(getattr(dlib, "DLIB_USE_CUDA", False)),
        },
        "runs": runs,
    }

    # Photos: decode, detect, landmarks.
    paths = args.images
    imgs = [face_recognition.load_image_file(p) for p in paths]  # warm-up + data

    def decode_pass():
        t = now_ms()
        for p in paths:
            face_recognition.load_image_file(p)
        return (now_ms() - t) / len(paths)

    out["decodeMsPerImage"] = median_of_runs(runs, decode_pass)

    faces_found = {}
    boxes_up1 = []
    for up in (0, 1):
        face_recognition.face_locations(imgs[0], number_of_times_to_upsample=up)  # warm-up

        def detect_pass(up=up):
            t = now_ms()
            n = 0
            found = []
            for im in imgs:
                locs = face_recognition.face_locations(im, number_of_times_to_upsample=up, model="hog")
                n += len(locs)
                found.append(locs)
            if up == 1:
                boxes_up1[:] = found
            faces_found[up] = n
            return (now_ms() - t) / len(imgs)

        out[f"detectMsPerImageUp{up}"] = median_of_runs(runs, detect_pass)
    out["facesFound"] = {f"up{k}": v for k, v in faces_found.items()}

    def landmarks_pass():
        t = now_ms()
        for im, locs in zip(imgs, boxes_up1):
            face_recognition.face_landmarks(im, face_locations=locs, model="large")
        return (now_ms() - t) / len(imgs)

    out["landmarksMsPerImage"] = median_of_runs(runs, landmarks_pass)
    out["landmarksFaces"] = sum(len(b) for b in boxes_up1)

    # Johns chips.
    names = sorted(n for n in os.listdir(args.johns) if os.path.isdir(os.path.join(args.johns, n)))
    chips, labels = [], []
    for name in names:
        d = os.path.join(args.johns, name)
        for f in sorted(os.listdir(d)):
            if f.lower().endswith(".jpg"):
                chips.append(face_recognition.load_image_file(os.path.join(d, f)))
                labels.append(name)
    out["chips"] = len(chips)

    net = dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location())
    net.compute_face_descriptor(chips[0])  # warm-up

    chip_enc = [None] * len(chips)

    def encode_b1_pass():
        t = now_ms()
        for i, c in enumerate(chips):
            chip_enc[i] = np.array(net.compute_face_descriptor(c))
        return (now_ms() - t) / len(chips)

    out["encodeChipMsPerFaceB1"] = median_of_runs(runs, encode_b1_pass)

    b = max(1, args.batch)

    cpu_ms = []

    def encode_batch_pass():
        t, c = now_ms(), time.process_time()
        for s in range(0, len(chips), b):
            res = net.compute_face_descriptor(chips[s:s + b])
            for k, e in enumerate(res):
                chip_enc[s + k] = np.array(e)
        cpu_ms.append((time.process_time() - c) * 1000.0 / len(chips))
        return (now_ms() - t) / len(chips)

    out["encodeChipMsPerFaceBatch"] = median_of_runs(runs, encode_batch_pass)
    out["encodeChipCpuMsPerFaceBatch"] = statistics.median(cpu_ms)
    out["batch"] = b
    out["chipDistances"] = distance_stats(chip_enc, labels)
    out["chipEncodings"] = [[float(x) for x in e] for e in chip_enc]
    out["chipLabels"] = labels

    whole = [(0, 150, 150, 0)]
    lib_enc = [None] * len(chips)

    def library_pass():
        t = now_ms()
        for i, c in enumerate(chips):
            lib_enc[i] = face_recognition.face_encodings(c, known_face_locations=whole, model="small")[0]
        return (now_ms() - t) / len(chips)

    out["encodeLibraryMsPerFace"] = median_of_runs(runs, library_pass)
    out["libraryDistances"] = distance_stats(lib_enc, labels)

    out["processCpuSeconds"] = time.process_time()
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
