// Benchmark peer: @vladmandic/face-api on @tensorflow/tfjs with the WebAssembly
// backend — the JavaScript ecosystem's way to get the same dlib ResNet face
// descriptor without a native addon. Fed decoded RGB pixels as tensors (no
// canvas), on the same chips and photos the native core is timed on.
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RgbImage } from '../../src/core/types.js';

type FaceApi = typeof import('@vladmandic/face-api');

const require = createRequire(import.meta.url);
const faceApiDir = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;

export interface FaceApiPeerOptions {
  /** Aligned 150x150 face chips (the johns examples). */
  chips: RgbImage[];
  /** Photos for the detector. */
  photos: RgbImage[];
  /** Passes over the data; each figure is the median over passes. */
  runs: number;
  /** Batch size for the batched descriptor pass. */
  batch: number;
  log?: (line: string) => void;
}

export interface FaceApiDetectorResult {
  name: string;
  msPerImage: number;
  facesFound: number;
}

export interface FaceApiPeerResult {
  versions: { faceApi: string; tfjs: string };
  backend: string;
  simd: boolean;
  threads: number;
  loadMs: number;
  /** Recognition net, one chip per call. */
  encodeMsPerFaceB1: number;
  /** Recognition net, `batch` chips per call. */
  encodeMsPerFaceBatch: number;
  /** CPU time of the whole process per face in the batched pass. */
  encodeCpuMsPerFaceBatch: number;
  batch: number;
  encodings: Float32Array[];
  detectors: FaceApiDetectorResult[];
  /** Bytes held by the wasm heap after the run. */
  wasmHeapBytes: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

let loaded: Promise<{ faceapi: FaceApi; loadMs: number }> | undefined;

/** Loads face-api's Node/wasm build once, selects the wasm backend and the nets. */
export function loadFaceApi(): Promise<{ faceapi: FaceApi; loadMs: number }> {
  loaded ??= (async () => {
    const t0 = performance.now();
    const faceapi: FaceApi = require(path.join(faceApiDir, 'dist', 'face-api.node-wasm.js'));
    const tf = faceapi.tf as any;
    tf.setWasmPaths(wasmDir);
    await tf.setBackend('wasm');
    await tf.ready();
    const modelDir = path.join(faceApiDir, 'model');
    await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
    await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
    return { faceapi, loadMs: performance.now() - t0 };
  })();
  return loaded;
}

export interface FaceApiEncodePass {
  msPerFace: number;
  /** CPU time of the whole process per face during the pass. */
  cpuMsPerFace: number;
  encodings: Float32Array[];
}

export interface FaceApiEncoder {
  /** One pass over every chip, `batch` chips per computeFaceDescriptor call. */
  pass(batch: number): Promise<FaceApiEncodePass>;
  dispose(): void;
}

/** The recognition net ready to encode the given chips (as int32 tensors), warmed up at batch 1 and 16. */
export async function createFaceApiEncoder(chips: RgbImage[]): Promise<FaceApiEncoder> {
  const { faceapi } = await loadFaceApi();
  const tf = faceapi.tf as any;
  const net = faceapi.nets.faceRecognitionNet;
  const tensors = chips.map((img) => toTensor(tf, img));
  // Warm-up: the first calls compile kernels and grow the heap.
  await net.computeFaceDescriptor(tensors[0]);
  await net.computeFaceDescriptor(tensors.slice(0, 16));
  return {
    async pass(batch: number) {
      const encodings: Float32Array[] = new Array(tensors.length);
      const c0 = process.cpuUsage();
      const t = performance.now();
      for (let s = 0; s < tensors.length; s += batch) {
        if (batch === 1) {
          encodings[s] = (await net.computeFaceDescriptor(tensors[s])) as Float32Array;
          continue;
        }
        const out = await net.computeFaceDescriptor(tensors.slice(s, s + batch));
        (Array.isArray(out) ? out : [out]).forEach((e, k) => (encodings[s + k] = e));
      }
      const msPerFace = (performance.now() - t) / tensors.length;
      const c = process.cpuUsage(c0);
      return { msPerFace, cpuMsPerFace: (c.user + c.system) / 1000 / tensors.length, encodings };
    },
    dispose() {
      tensors.forEach((x) => x.dispose());
    },
  };
}

/** A decoded photo as the int32 [h, w, 3] tensor face-api takes as input (dispose it after use). */
export async function faceApiTensor(img: RgbImage) {
  const { faceapi } = await loadFaceApi();
  return toTensor(faceapi.tf as any, img);
}

function toTensor(tf: any, img: RgbImage) {
  return tf.tensor3d(new Uint8Array(img.pixels.buffer, img.pixels.byteOffset, img.width * img.height * 3), [img.height, img.width, 3], 'int32');
}

/** face-api's detectors on the photos: ms per image (median over passes) and faces found. */
export async function timeFaceApiDetectors(
  photos: RgbImage[],
  runs: number,
  log: (line: string) => void = () => {},
  /** Wraps each timed pass (the main bench uses it to re-run passes disturbed by other processes). */
  wrapPass: <T>(run: () => Promise<T>) => Promise<T> = (run) => run(),
): Promise<FaceApiDetectorResult[]> {
  const { faceapi } = await loadFaceApi();
  const tf = faceapi.tf as any;
  const detectors: FaceApiDetectorResult[] = [];
  const photoTensors = photos.map((img) => toTensor(tf, img));
  const detectorKinds: [string, () => any][] = [
    ['ssd_mobilenetv1 (minConfidence 0.5)', () => new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 })],
    ['tinyFaceDetector (inputSize 416)', () => new faceapi.TinyFaceDetectorOptions({ inputSize: 416 })],
  ];
  for (const [name, makeOptions] of detectorKinds) {
    await faceapi.detectAllFaces(photoTensors[0], makeOptions());
    const times: number[] = [];
    let found = 0;
    for (let r = 0; r < runs; r++) {
      const pass = await wrapPass(async () => {
        let n = 0;
        const t = performance.now();
        for (const img of photoTensors) {
          n += (await faceapi.detectAllFaces(img, makeOptions())).length;
        }
        return { ms: (performance.now() - t) / photoTensors.length, n };
      });
      found = pass.n;
      times.push(pass.ms);
    }
    detectors.push({ name, msPerImage: median(times), facesFound: found });
    log(`  face-api ${name}: ${median(times).toFixed(1)} ms/image, ${found} faces`);
  }
  photoTensors.forEach((t) => t.dispose());
  return detectors;
}

/** What face-api's wasm build runs with: backend, SIMD, threads, heap size. */
export async function faceApiRuntime() {
  const { faceapi, loadMs } = await loadFaceApi();
  const tf = faceapi.tf as any;
  const backend = tf.getBackend() as string;
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = backend === 'wasm' && typeof tf.getThreadsCount === 'function' ? (tf.getThreadsCount() as number) : 1;
  let wasmHeapBytes = 0;
  try {
    wasmHeapBytes = (tf.backend() as any).wasm?.HEAPU8?.byteLength ?? 0;
  } catch {
    /* not exposed */
  }
  const versions = {
    faceApi: require(path.join(faceApiDir, 'package.json')).version as string,
    tfjs: (tf.version_core ?? tf.version?.['tfjs-core']) as string,
  };
  return { backend, simd, threads, wasmHeapBytes, loadMs, versions };
}

/** Stand-alone run: encode passes (batch 1, then batched) and the detectors, medians over `runs` passes. */
export async function runFaceApiPeer(opts: FaceApiPeerOptions): Promise<FaceApiPeerResult> {
  const log = opts.log ?? (() => {});
  const runs = Math.max(1, opts.runs);
  const batch = Math.max(1, opts.batch);
  const encoder = await createFaceApiEncoder(opts.chips);
  let encodings: Float32Array[] = [];
  const b1: number[] = [];
  for (let r = 0; r < runs; r++) {
    const p = await encoder.pass(1);
    b1.push(p.msPerFace);
    encodings = p.encodings;
    log(`  face-api encode batch 1, pass ${r + 1}/${runs}: ${p.msPerFace.toFixed(1)} ms/face`);
  }
  const bn: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const p = await encoder.pass(batch);
    bn.push(p.msPerFace);
    cpu.push(p.cpuMsPerFace);
    encodings = p.encodings;
    log(`  face-api encode batch ${batch}, pass ${r + 1}/${runs}: ${p.msPerFace.toFixed(1)} ms/face`);
  }
  encoder.dispose();
  const detectors = await timeFaceApiDetectors(opts.photos, runs, log);
  const rt = await faceApiRuntime();
  return {
    versions: rt.versions,
    backend: rt.backend,
    simd: rt.simd,
    threads: rt.threads,
    loadMs: rt.loadMs,
    encodeMsPerFaceB1: median(b1),
    encodeMsPerFaceBatch: median(bn),
    encodeCpuMsPerFaceBatch: median(cpu),
    batch,
    encodings,
    detectors,
    wasmHeapBytes: rt.wasmHeapBytes,
  };
}
