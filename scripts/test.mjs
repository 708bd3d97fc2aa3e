// Runs the test files (test/**/*.test.ts, or the files and folders given) with Node's test runner, after
// type-checking the project and checking its lint and layout (scripts/lint.mjs); then runs the tests among them that
// depend on the storage engine (the folders in ENGINE_DIRS) again on PostgreSQL (TEST_STORE=postgres: each test file
// starts a private server, see test/fixtures/database.ts). Both runs print their own summary; a failure in either
// fails the whole.
// One file at a time: the machine's cores go to the native work each test measures.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return find(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const only = process.argv.slice(2).map((f) => path.resolve(f));
const files = (only.length ? only.flatMap((f) => (statSync(f).isDirectory() ? find(f) : [f])) : find(path.join(root, 'test'))).sort();
/** The folders of test/ whose tests run on both storage engines: the API end to end, and the store alone. */
const ENGINE_DIRS = ['api', 'store'];
const engineDirs = ENGINE_DIRS.map((d) => path.join(root, 'test', d) + path.sep);
const engineFiles = files.filter((f) => engineDirs.some((d) => f.startsWith(d)));

const typecheck = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', root], {
  stdio: 'inherit',
  cwd: root,
});
if (typecheck.status !== 0) {
  console.error('Type check failed.');
  process.exit(typecheck.status || 1);
}

const lint = spawnSync(process.execPath, [path.join(root, 'scripts', 'lint.mjs')], { stdio: 'inherit', cwd: root });
if (lint.status !== 0) {
  console.error('Lint check failed.');
  process.exit(lint.status || 1);
}

const runs = [
  { name: 'SQLite store', what: `${files.length} test file(s)`, files, env: {} },
  {
    name: 'PostgreSQL store',
    what: `${engineFiles.length} ${ENGINE_DIRS.join('/')} test file(s), TEST_STORE=postgres`,
    files: engineFiles,
    env: { TEST_STORE: 'postgres' },
  },
].filter((r) => r.files.length > 0);

const outcomes = runs.map((run) => {
  console.log(`\n[test] ${run.name}: ${run.what}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=900000', '--test-reporter=spec', ...run.files],
    { stdio: 'inherit', cwd: root, env: { ...process.env, ...run.env } },
  );
  return { run, status: result.status ?? 1 };
});

console.log('');
for (const { run, status } of outcomes) console.log(`[test] ${run.name} (${run.what}): ${status === 0 ? 'passed' : `FAILED (exit ${status})`}`);
process.exit(outcomes.some((o) => o.status !== 0) ? 1 : 0);
