#!/usr/bin/env bash
# Creates .bench-venv/ with the Python face_recognition library (the seed's own
# library) for the benchmark's peer comparison. Optional: the service itself
# never needs Python.
#
#   bash bench/peers/setup-python-peer.sh      # from the repository root
#
# face-recognition is installed with --no-deps because it depends on the `dlib`
# source package (a long C++ build); `dlib-bin` ships the same module prebuilt.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-python3}"
VENV=.bench-venv
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet dlib-bin face-recognition-models numpy Pillow Click
"$VENV/bin/python" -m pip install --quiet --no-deps face-recognition
"$VENV/bin/python" - <<'PY'
import dlib, face_recognition, face_recognition_models, numpy, PIL
print(f"python peer ready: dlib {dlib.__version__} (AVX: {getattr(dlib, 'USE_AVX_INSTRUCTIONS', '?')}),"
      f" face_recognition {face_recognition.__version__}, numpy {numpy.__version__}, Pillow {PIL.__version__}")
PY
