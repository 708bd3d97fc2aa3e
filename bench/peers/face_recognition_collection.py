"""Benchmark peer for bench:collection: what a face_recognition user runs to import and group a photo collection.

Run with the interpreter of .bench-venv/ (bash bench/peers/setup-python-peer.sh). Each subcommand prints
ONE JSON object on stdout; progress goes to stderr.

  .bench-venv/bin/python bench/peers/face_recognition_collection.py cluster --encodings FILE.jsonl --threshold 0.5
      FILE.jsonl: one {"id": <int>, "encoding": [128 floats]} per line. Groups the faces with
      dlib.chinese_whispers_clustering(list of dlib.vector, threshold); only that call is timed:
      {"labels": {id: label}, "seconds", "cpuSeconds", "dlib", "threshold", "faces"}
  .bench-venv/bin/python bench/peers/face_recognition_collection.py import --folder DIR [--limit N]
          [--upsample 1] [--model hog] [--processes 1]
      every .jpg/.jpeg/.png under DIR (recursive, extension case-insensitive, sorted by relative path; the
      first N with --limit), per file: load_image_file -> face_locations(img, upsample, model)
      -> face_encodings(img, locations). --processes P > 1 spreads the files over a multiprocessing.Pool
      of P workers (what face_recognition's CLI does with --cpus); wall time then includes starting and
      joining the pool, and cpuSeconds adds the workers' CPU (RUSAGE_CHILDREN) to this process's. No warm-up:
      the models are loaded at `import face_recognition`, before the clock starts.
      {"photos", "faces", "seconds", "cpuSeconds", "photosPerSecond", "processes", "upsample", "model",
       "versions": {"dlib", "face_recognition", "numpy"}, "build": {"avx", "blas", "cuda"}}
"""

import argparse
import importlib.metadata
import json
import multiprocessing
import os
import resource
import sys
import time

import dlib
import face_recognition
import numpy as np

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def cluster(args):
    ids, vectors = [], []
    with open(args.encodings, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            if len(row["encoding"]) != 128:
                raise SystemExit(f"id {row['id']}: encoding has {len(row['encoding'])} values, not 128")
            ids.append(row["id"])
            vectors.append(dlib.vector(row["encoding"]))
    log(f"clustering {len(vectors)} faces, threshold {args.threshold}")
    t0, c0 = time.perf_counter(), time.process_time()
    labels = dlib.chinese_whispers_clustering(vectors, args.threshold)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    log(f"{len(set(labels))} clusters in {seconds:.3f} s")
    return {
        "labels": {str(i): int(label) for i, label in zip(ids, labels)},
        "seconds": seconds,
        "cpuSeconds": cpu,
        "dlib": dlib.__version__,
        "threshold": args.threshold,
        "faces": len(vectors),
    }


def list_photos(folder, limit):
    paths = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        paths.extend(os.path.join(root, n) for n in files if n.lower().endswith(IMAGE_EXTENSIONS))
    paths.sort(key=lambda p: os.path.relpath(p, folder))
    return paths[:limit] if limit else paths


def encode_one(job):
    """One photo as face_recognition's batch loop handles it; returns how many faces were encoded."""
    path, upsample, model = job
    img = face_recognition.load_image_file(path)
    locs = face_recognition.face_locations(img, number_of_times_to_upsample=upsample, model=model)
    encs = face_recognition.face_encodings(img, known_face_locations=locs)
    assert len(encs) == len(locs), path
    return len(encs)


def import_folder(args):
    paths = list_photos(args.folder, args.limit)
    if not paths:
        raise SystemExit(f"no .jpg/.jpeg/.png files under {args.folder}")
    jobs = [(p, args.upsample, args.model) for p in paths]
    log(f"{len(paths)} photos under {args.folder}, {args.processes} process(es), upsample {args.upsample}, {args.model}")

    def progress(done, faces, t0):
        if done % 100 == 0 or done == len(jobs):
            log(f"  {done}/{len(jobs)} photos, {faces} faces, {time.perf_counter() - t0:.1f} s")

    faces = 0
    t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu()
    if args.processes <= 1:
        for done, job in enumerate(jobs, 1):
            faces += encode_one(job)
            progress(done, faces, t0)
    else:
        # fork (Linux default): the workers inherit the models loaded at import
        with multiprocessing.get_context("fork").Pool(args.processes) as pool:
            for done, n in enumerate(pool.imap_unordered(encode_one, jobs, chunksize=1), 1):
                faces += n
                progress(done, faces, t0)
            pool.close()
            pool.join()  # reaped workers are what RUSAGE_CHILDREN counts
    seconds = time.perf_counter() - t0
    cpu = (time.process_time() - c0) + (children_cpu() - k0)
    return {
        "photos": len(paths),
        "faces": faces,
        "seconds": seconds,
        "cpuSeconds": cpu,
        "photosPerSecond": len(paths) / seconds,
        "processes": max(1, args.processes),
        "upsample": args.upsample,
        "model": args.model,
        "versions": {
            "dlib": dlib.__version__,
            # face_recognition.__version__ says 1.2.3 in the 1.3.0 release: take the installed distribution's
            "face_recognition": importlib.metadata.version("face_recognition"),
            "numpy": np.__version__,
        },
        "build": {"avx": bool(getattr(dlib, "USE_AVX_INSTRUCTIONS", False)),
                  "blas": bool(getattr(dlib, "DLIB_USE_BLAS", False)),
                  "cuda": bool(getattr(dlib, "DLIB_USE_CUDA", False))},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("cluster", help="dlib.chinese_whispers_clustering over face encodings (JSON lines)")
    c.add_argument("--encodings", required=True, help='JSON lines: {"id": int, "encoding": [128 floats]}')
    c.add_argument("--threshold", type=float, default=0.5)
    i = sub.add_parser("import", help="face_recognition's batch loop over a folder of photos")
    i.add_argument("--folder", required=True)
    i.add_argument("--limit", type=int, default=0, help="only the first N photos (0: all)")
    i.add_argument("--upsample", type=int, default=1)
    i.add_argument("--model", choices=["hog", "cnn"], default="hog")
    i.add_argument("--processes", type=int, default=1, help="multiprocessing.Pool size (1: no pool)")
    args = ap.parse_args()
    print(json.dumps(cluster(args) if args.mode == "cluster" else import_folder(args)))


if __name__ == "__main__":
    main()
