// analyze({ timeoutMs }): past the limit the call rejects with TIMEOUT and the native work stops at its next step,
// freeing its slot for the next photo instead of finishing the abandoned one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { FaceCore, FaceCoreError } from '../../src/core/index.js';
import { withThreadBudget } from '../fixtures/core.js';
import { BALD_GUYS, johnPhotos } from '../fixtures/photos.js';

const isCode = (code: string) => (e: unknown) => e instanceof FaceCoreError && e.code === code;

// One slot, and one thread for each job: the photos' times are those of one core.
test('an analysis past its timeoutMs rejects with TIMEOUT and its native work stops early, freeing the slot', () =>
  withThreadBudget(1, async () => {
    const core = new FaceCore({ threads: 1 });
    try {
      await core.load();
      const bald = fs.readFileSync(BALD_GUYS); // 3 MP, 25 faces: the CNN's pyramid has many steps
      const small = fs.readFileSync(johnPhotos('John_Salley')[0]!);
      await core.analyze(small);
      let t0 = performance.now();
      const whole = await core.analyze(bald);
      const wholeMs = performance.now() - t0;
      assert.ok(whole.faces.length >= 20, `${whole.faces.length} faces`);

      t0 = performance.now();
      const limited = core.analyze(bald, { timeoutMs: 50 });
      const next = core.analyze(small).then(() => performance.now() - t0); // waits for the one slot
      await assert.rejects(limited, isCode('TIMEOUT'));
      const nextMs = await next;
      // Had the abandoned analysis run to its end, the next photo would have waited wholeMs for the slot.
      assert.ok(nextMs < 0.6 * wholeMs, `the next photo finished after ${nextMs.toFixed(0)} ms; the whole analysis takes ${wholeMs.toFixed(0)} ms`);
    } finally {
      core.release();
    }
  }));

test('a limit that passes while the photo waits for a slot ends it without native work; a generous one changes nothing', () =>
  withThreadBudget(1, async () => {
    const core = new FaceCore({ threads: 1 });
    try {
      await core.load();
      const bald = fs.readFileSync(BALD_GUYS);
      const small = fs.readFileSync(johnPhotos('John_Salley')[0]!);
      const first = core.analyze(bald); // holds the slot for longer than 1 ms
      await assert.rejects(core.analyze(small, { timeoutMs: 1 }), isCode('TIMEOUT'));
      await first;
      const plain = await core.analyze(small);
      const limited = await core.analyze(small, { timeoutMs: 60_000 });
      assert.deepEqual(
        limited.faces.map((f) => f.box),
        plain.faces.map((f) => f.box),
      );
      assert.deepEqual(Array.from(limited.faces[0]!.encoding), Array.from(plain.faces[0]!.encoding));
    } finally {
      core.release();
    }
  }));

test('timeoutMs must be a positive number', async () => {
  const small = fs.readFileSync(johnPhotos('John_Salley')[0]!);
  for (const bad of [0, -5, Number.NaN, '100', null]) {
    await assert.rejects(new FaceCore({ threads: 1 }).analyze(small, { timeoutMs: bad as number }), isCode('INVALID_ARGUMENT'), String(bad));
  }
});
