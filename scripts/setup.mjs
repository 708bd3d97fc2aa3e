// First-run set-up shared by `npm start`, `npm test` and the benchmarks. Each step runs only when needed:
//  1. Debian packages (dlib, its face data, OpenCV, OpenBLAS/LAPACK, giflib, build tools; Chromium with --browser),
//     installed with apt-get, through sudo when not root;
//  2. npm dependencies (npm ci) when node_modules is missing or older than package-lock.json;
//  3. the native addon (cmake-js) when build/Release/face_core.node is missing or older than its sources.
// Uses only Node's standard library: it runs before the dependencies exist.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const withBrowser = process.argv.includes('--browser');

const SYSTEM_PACKAGES = [
  'build-essential', 'cmake', 'pkg-config',
  'libdlib-dev', 'libdlib-data', // dlib; libdlib19.1 brings the example photos the tests use
  'libopencv-dev', 'libgif-dev',
  'libopenblas-dev', 'liblapack-dev', // dlib's pkg-config names libblas.so and liblapack.so
];
const BROWSER_PACKAGES = ['chromium'];

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
    log('not a Debian/Ubuntu system: install dlib, OpenCV, giflib, OpenBLAS, cmake and a C++ compiler yourself');
    return;
  }
  const wanted = withBrowser ? [...SYSTEM_PACKAGES, ...BROWSER_PACKAGES] : SYSTEM_PACKAGES;
  const missing = wanted.filter((p) => !installed(p));
  if (missing.length === 0) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
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

systemPackages();
npmDependencies();
nativeAddon();
