// Lint and layout checks over the project's code, used by `npm run lint`, `npm run format` and scripts/test.mjs:
//  - ESLint (eslint.config.js) over the TypeScript and JavaScript of src/, test/, bench/, scripts/, web/ and tools/;
//  - Prettier (.prettierrc.json, .prettierignore) over the same files' layout;
//  - clang-format (.clang-format; Debian's clang-format package, which scripts/setup.mjs installs) over native/.
// Without arguments it changes nothing and exits 1 when any check fails. With --fix (`npm run format`) it rewrites
// the files: prettier --write, eslint --fix, clang-format -i; ESLint's findings it cannot fix are still reported.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fix = process.argv.includes('--fix');

/** What ESLint reads (its ignores are in eslint.config.js). */
const ESLINT_TARGETS = ['src', 'test', 'bench', 'scripts', 'web', 'tools', 'eslint.config.js'];
/** What Prettier reads (src/graphql/generated.ts is left out in .prettierignore; node_modules always is). */
const PRETTIER_TARGETS = ['{src,test,bench,scripts,web,tools}/**/*.{ts,js,mjs}', 'eslint.config.js'];

/** native/**\/*.{cc,h}, relative to the root, sorted. */
function nativeSources(dir = path.join(root, 'native')) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return nativeSources(full);
      return /\.(cc|h)$/.test(entry.name) ? [path.relative(root, full)] : [];
    })
    .sort();
}

const nodeTool = (script) => [process.execPath, path.join(root, 'node_modules', ...script.split('/'))];
const eslint = nodeTool('eslint/bin/eslint.js');
const prettier = nodeTool('prettier/bin/prettier.cjs');

const steps = fix
  ? [
      { name: 'prettier', command: [...prettier, '--write', '--log-level=warn', ...PRETTIER_TARGETS] },
      { name: 'eslint', command: [...eslint, '--fix', ...ESLINT_TARGETS] },
      { name: 'clang-format', command: ['clang-format', '-i', ...nativeSources()] },
    ]
  : [
      { name: 'eslint', command: [...eslint, ...ESLINT_TARGETS] },
      { name: 'prettier', command: [...prettier, '--check', '--log-level=warn', ...PRETTIER_TARGETS] },
      // The first difference in each file that is not formatted; `npm run format` rewrites them.
      { name: 'clang-format', command: ['clang-format', '--dry-run', '-Werror', '--ferror-limit=1', ...nativeSources()] },
    ];

const failed = [];
let missing = false;
for (const step of steps) {
  const [command, ...args] = step.command;
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root });
  if (result.error?.code === 'ENOENT') {
    console.error(`[lint] ${step.name}: ${command} is not installed`);
    missing = true;
    failed.push(`${step.name} (not installed)`);
  } else if (result.status !== 0) {
    failed.push(step.name);
  }
}

if (failed.length > 0) {
  const advice = [];
  if (missing) advice.push("`npm run setup` installs Debian's clang-format");
  if (!fix && (failed.includes('prettier') || failed.includes('clang-format'))) advice.push('`npm run format` fixes the layout');
  if (failed.includes('eslint')) advice.push("ESLint's findings above are fixed by hand");
  console.error(`[lint] ${fix ? 'format' : 'lint'} failed in ${failed.join(', ')}${advice.length ? `: ${advice.join('; ')}` : ''}`);
  process.exit(1);
}
console.log(`[lint] ${fix ? 'formatted' : 'clean'}: eslint, prettier, clang-format`);
