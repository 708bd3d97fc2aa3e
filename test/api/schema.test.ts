// schema.graphql is the source of truth: the committed resolver types must be what codegen makes of it today.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('src/graphql/generated.ts is up to date with schema.graphql', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.yml', '--check'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `run \`npm run codegen\`: the generated types differ from schema.graphql\n${r.stdout}${r.stderr}`);
});
