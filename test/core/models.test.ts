// Which model files a FaceCore uses, for each combination of files present in its modelsDir; and the encoder
// engine choice: dlib's own forward pass gives the same encodings as the default OpenCV engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FaceCore, resolveModelPaths } from '../../src/core/index.js';
import { DEBIAN_LANDMARKS, DLIB_RECOGNITION_FILE } from '../../src/core/models.js';
import { rejectsWith } from '../fixtures/expect-error.js';
import { distance } from '../fixtures/core.js';
import { johnPhotos } from '../fixtures/photos.js';

const L68 = 'shape_predictor_68_face_landmarks.dat';
const L5 = 'shape_predictor_5_face_landmarks.dat';

function modelsDir(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-models-test-'));
  for (const f of files) fs.writeFileSync(path.join(dir, f), 'x');
  return dir;
}

test('model files are chosen by preference for every combination present in modelsDir', () => {
  for (let mask = 0; mask < 8; mask++) {
    const present = [L68, L5, DLIB_RECOGNITION_FILE].filter((_, i) => mask & (1 << i));
    const dir = modelsDir(present);
    try {
      const paths = resolveModelPaths(dir);
      const landmarks = present.includes(L68) ? path.join(dir, L68) : present.includes(L5) ? path.join(dir, L5) : DEBIAN_LANDMARKS;
      assert.equal(paths.landmarksPath, landmarks, `landmarks with ${present.join(', ') || 'nothing'}`);
      const recognition = present.includes(DLIB_RECOGNITION_FILE) ? path.join(dir, DLIB_RECOGNITION_FILE) : undefined;
      assert.equal(paths.recognitionPath, recognition, `recognition with ${present.join(', ') || 'nothing'}`);
      assert.match(paths.tfjsManifestPath, /face_recognition_model-weights_manifest\.json$/);
      assert.ok(fs.existsSync(paths.tfjsManifestPath));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('a modelsDir that does not exist falls back to the Debian landmarks and the bundled weights', () => {
  const paths = resolveModelPaths(path.join(os.tmpdir(), 'no-such-models-dir'));
  assert.equal(paths.landmarksPath, DEBIAN_LANDMARKS);
  assert.equal(paths.recognitionPath, undefined);
});

test("a .dat file that is not dlib's network is MODEL_NOT_FOUND naming it, for either engine", async () => {
  const dir = modelsDir([DLIB_RECOGNITION_FILE]);
  try {
    for (const encoder of ['opencv', 'dlib'] as const) {
      const core = new FaceCore({ modelsDir: dir, encoder });
      await rejectsWith(core.load(), 'MODEL_NOT_FOUND', new RegExp(`${DLIB_RECOGNITION_FILE}.*is not dlib's ResNet face model`));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

async function sameEncodings(modelsDirPath: string | undefined, t: { diagnostic(m: string): void }): Promise<void> {
  const bytes = fs.readFileSync(johnPhotos('John_Salley')[0]!);
  const opencv = new FaceCore({ modelsDir: modelsDirPath });
  const dlib = new FaceCore({ modelsDir: modelsDirPath, encoder: 'dlib' });
  try {
    assert.equal((await opencv.load()).engine, 'opencv');
    assert.equal((await dlib.load()).engine, 'dlib');
    const a = await opencv.analyze(bytes);
    const b = await dlib.analyze(bytes);
    assert.equal(a.faces.length, 1);
    assert.equal(b.faces.length, 1);
    const d = distance(a.faces[0]!.encoding, b.faces[0]!.encoding);
    const maxDiff = Math.max(...a.faces[0]!.encoding.map((v, i) => Math.abs(v - b.faces[0]!.encoding[i]!)));
    t.diagnostic(
      `${(await opencv.load()).encoder}: opencv vs dlib engine distance ${d.toExponential(2)}, largest value difference ${maxDiff.toExponential(2)}`,
    );
    assert.ok(maxDiff < 1e-5, `values differ by ${maxDiff}`);
  } finally {
    opencv.release();
    dlib.release();
  }
}

test("encoder 'dlib' and the default engine give the same encodings to 1e-5 on a johns photo (bundled weights)", async (t) => {
  await sameEncodings(path.join(os.tmpdir(), 'no-such-models-dir'), t);
});
