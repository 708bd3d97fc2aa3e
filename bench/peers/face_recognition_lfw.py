"""LFW peer: the Python face_recognition library on the photos bench/lfw.ts measures.

Run by bench/lfw.ts with the interpreter of .bench-venv/ (bench/peers/setup-python-peer.sh). For every photo
named on stdin (one path relative to --lfw per line) it writes one JSON line to --out: the faces
face_recognition finds with its defaults as users call it (face_locations: HOG, upsample 1; face_encodings:
the 5-point alignment, no jitter), each with its box and 128-d encoding. Resumable: photos already in --out are
skipped. --workers processes share the list.

  python face_recognition_lfw.py --lfw DIR --out FILE.jsonl [--workers 2] < photos.txt
"""

import argparse
import json
import multiprocessing
import os
import sys
import time

import face_recognition


def analyse(args):
    root, rel = args
    image = face_recognition.load_image_file(os.path.join(root, rel))
    boxes = face_recognition.face_locations(image, number_of_times_to_upsample=1, model="hog")
    encodings = face_recognition.face_encodings(image, known_face_locations=boxes)
    faces = [
        {"box": {"x": left, "y": top, "width": right - left, "height": bottom - top}, "encoding": [round(float(v), 6) for v in enc]}
        for (top, right, bottom, left), enc in zip(boxes, encodings)
    ]
    return {"file": rel, "width": int(image.shape[1]), "height": int(image.shape[0]), "faces": faces}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lfw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    done = set()
    if os.path.exists(a.out):
        with open(a.out) as f:
            done = {json.loads(line)["file"] for line in f if line.strip()}
    todo = [line.strip() for line in sys.stdin if line.strip() and line.strip() not in done]
    t0 = time.time()
    with open(a.out, "a") as out, multiprocessing.Pool(a.workers) as pool:
        for i, row in enumerate(pool.imap(analyse, [(a.lfw, rel) for rel in todo], chunksize=8), 1):
            out.write(json.dumps(row) + "\n")
            if i % 500 == 0:
                sys.stderr.write(f"face_recognition: {i}/{len(todo)} photos, {(time.time() - t0) / i * 1000:.0f} ms each\n")
    sys.stderr.write(f"face_recognition: analysed {len(todo)} photos ({len(done)} were already in {a.out})\n")


if __name__ == "__main__":
    main()
