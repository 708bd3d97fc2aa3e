// The native slots' rules, step by step on a clock the test moves: the fewest pixels first, a job that has waited
// long enough first whatever its size, large jobs kept from the last slot, and a failing job's slot freed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUE_AGE_MS, Slots } from '../../src/core/slots.js';

/** Lets every promise that can settle do so (the slots hand over a slot through one). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Jobs that finish when the test says, on slots whose clock the test moves. Jobs over 100 pixels are large. */
function harness(slots: number, ageMs?: number) {
  let clock = 0;
  const queue = new Slots({ slots, largeJobPixels: 100, ageMs, now: () => clock });
  const started: string[] = [];
  const ends = new Map<string, { finish: () => void; fail: (err: Error) => void }>();
  const results = new Map<string, Promise<string>>();
  return {
    queue,
    started,
    /** Submits job `name` on `pixels` pixels; it runs until finish(name) or fail(name). */
    submit(name: string, pixels: number): Promise<string> {
      const done = new Promise<void>((finish, fail) => ends.set(name, { finish, fail }));
      const result = queue.run(async () => {
        started.push(name);
        await done;
        return name;
      }, pixels);
      result.catch(() => undefined);
      results.set(name, result);
      return result;
    },
    async finish(name: string): Promise<void> {
      assert.ok(started.includes(name), `${name} has not started: started ${started.join(', ')}`);
      ends.get(name)!.finish();
      assert.equal(await results.get(name), name);
      await settle();
    },
    async fail(name: string, err: Error): Promise<void> {
      assert.ok(started.includes(name), `${name} has not started`);
      ends.get(name)!.fail(err);
      await assert.rejects(results.get(name)!, err);
      await settle();
    },
    advance(ms: number): void {
      clock += ms;
    },
    counts: () => ({ running: queue.running, queued: queue.queued }),
  };
}

test('jobs start at once, in the call, while a slot is free; beyond the slots they wait', async () => {
  const h = harness(2);
  h.submit('a', 10);
  h.submit('b', 10);
  assert.deepEqual(h.started, ['a', 'b'], 'both started before the calls returned');
  h.submit('c', 10);
  await settle();
  assert.deepEqual(h.started, ['a', 'b']);
  assert.deepEqual(h.counts(), { running: 2, queued: 1 });
  await h.finish('a');
  assert.deepEqual(h.started, ['a', 'b', 'c']);
  assert.deepEqual(h.counts(), { running: 2, queued: 0 });
  await h.finish('b');
  await h.finish('c');
  assert.deepEqual(h.counts(), { running: 0, queued: 0 });
});

test('a free slot goes to the waiting job with the fewest pixels, not the first to arrive', async () => {
  const h = harness(1, 1_000_000);
  h.submit('running', 10);
  h.submit('90 px', 90);
  h.submit('10 px', 10);
  h.submit('50 px', 50);
  h.submit('unknown size', 0); // a photo whose header could not be read counts as the smallest: it fails fast
  await h.finish('running');
  await h.finish('unknown size');
  await h.finish('10 px');
  await h.finish('50 px');
  await h.finish('90 px');
  assert.deepEqual(h.started, ['running', 'unknown size', '10 px', '50 px', '90 px']);
});

test('among waiting jobs of the same size, the first to arrive goes first', async () => {
  const h = harness(1);
  h.submit('running', 10);
  for (const name of ['first', 'second', 'third']) h.submit(name, 40);
  for (const name of ['running', 'first', 'second', 'third']) await h.finish(name);
  assert.deepEqual(h.started, ['running', 'first', 'second', 'third']);
});

test('a large job is not starved: once it has waited QUEUE_AGE_MS it goes next, ahead of smaller jobs', async () => {
  assert.equal(QUEUE_AGE_MS, 5000);
  assert.equal(new Slots({ slots: 1, largeJobPixels: 100 }).ageMs, QUEUE_AGE_MS, 'the default age');
  const h = harness(1);
  h.submit('running', 10);
  h.submit('huge', 1_000_000); // waits from t = 0
  h.advance(QUEUE_AGE_MS - 1);
  h.submit('small 1', 10);
  await h.finish('running'); // at 4999 ms the huge job has not waited long enough: the small one goes first
  assert.deepEqual(h.started, ['running', 'small 1']);
  h.submit('small 2', 10);
  h.advance(1);
  await h.finish('small 1'); // at 5000 ms it has
  assert.deepEqual(h.started, ['running', 'small 1', 'huge']);
  await h.finish('huge');
  await h.finish('small 2');
  assert.deepEqual(h.started, ['running', 'small 1', 'huge', 'small 2']);
});

test('among jobs that have waited long enough, the one that arrived first goes first, whatever the sizes', async () => {
  const h = harness(1, 100);
  h.submit('running', 10);
  h.submit('old large', 500);
  h.advance(10);
  h.submit('old small', 20);
  h.advance(10);
  h.submit('young small', 5);
  h.advance(85); // the first two have waited 105 and 95 ms
  await h.finish('running');
  assert.deepEqual(h.started, ['running', 'old large']);
  h.advance(10); // 'old small' has now waited 105 ms, 'young small' 95 ms: the age rule picks 'old small'
  await h.finish('old large');
  assert.deepEqual(h.started, ['running', 'old large', 'old small']);
});

test('with two slots, large jobs never hold both: a small job arriving behind them starts at once', async () => {
  const h = harness(2);
  h.submit('large 1', 200);
  h.submit('large 2', 200); // a slot is free, but it is the last one: kept for ordinary jobs
  await settle();
  assert.deepEqual(h.started, ['large 1']);
  assert.deepEqual(h.counts(), { running: 1, queued: 1 });
  h.submit('small', 10); // takes the kept slot at once, ahead of the large job waiting
  assert.deepEqual(h.started, ['large 1', 'small']);
  await h.finish('small'); // the freed slot is again the last one while a large job runs: 'large 2' still waits
  assert.deepEqual(h.counts(), { running: 1, queued: 1 });
  await h.finish('large 1');
  assert.deepEqual(h.started, ['large 1', 'small', 'large 2']);
  await h.finish('large 2');
});

test('a job is large only above largeJobPixels', async () => {
  const h = harness(2);
  h.submit('large', 101);
  h.submit('at the limit', 100); // not large: may take the last slot
  assert.deepEqual(h.started, ['large', 'at the limit']);
  await h.finish('large');
  await h.finish('at the limit');
});

test('even a large job that has waited past its age does not take the last slot; the slot waits for a small job', async () => {
  const h = harness(2);
  h.submit('large 1', 200);
  h.submit('small 1', 10);
  h.submit('large 2', 200); // both slots busy
  h.advance(60_000);
  await h.finish('small 1');
  assert.deepEqual(h.started, ['large 1', 'small 1'], 'large 2 would hold the last slot');
  assert.deepEqual(h.counts(), { running: 1, queued: 1 });
  h.submit('small 2', 10);
  assert.deepEqual(h.started, ['large 1', 'small 1', 'small 2']);
  await h.finish('large 1');
  assert.deepEqual(h.started, ['large 1', 'small 1', 'small 2', 'large 2']);
  await h.finish('small 2');
  await h.finish('large 2');
});

test('with three slots, large jobs hold two and the third is kept', async () => {
  const h = harness(3);
  for (const name of ['large 1', 'large 2', 'large 3']) h.submit(name, 200);
  await settle();
  assert.deepEqual(h.started, ['large 1', 'large 2']);
  h.submit('small', 10);
  assert.deepEqual(h.counts(), { running: 3, queued: 1 });
  await h.finish('small');
  assert.deepEqual(h.counts(), { running: 2, queued: 1 });
  await h.finish('large 1');
  assert.deepEqual(h.started, ['large 1', 'large 2', 'small', 'large 3']);
  await h.finish('large 2');
  await h.finish('large 3');
});

test('with one slot, a large job takes it: there is no second slot to keep', async () => {
  const h = harness(1);
  h.submit('large', 1_000_000);
  assert.deepEqual(h.started, ['large']);
  await h.finish('large');
});

test('a job that fails gives its own failure and frees its slot for the next', async () => {
  const h = harness(1);
  h.submit('failing', 10);
  h.submit('next', 10);
  await h.fail('failing', new Error('decoding failed'));
  assert.deepEqual(h.started, ['failing', 'next']);
  await h.finish('next');
  assert.deepEqual(h.counts(), { running: 0, queued: 0 });
});

test('work that throws before returning a promise is a rejection, and its slot is freed', async () => {
  const queue = new Slots({ slots: 1, largeJobPixels: 100, now: () => 0 });
  const err = new Error('refused');
  await assert.rejects(
    queue.run(() => {
      throw err;
    }),
    err,
  );
  assert.deepEqual({ running: queue.running, queued: queue.queued }, { running: 0, queued: 0 });
  assert.equal(await queue.run(async () => 'after'), 'after');
});

test('a slot count that is not a whole number of at least 1 is refused', () => {
  for (const slots of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new Slots({ slots, largeJobPixels: 100 }), RangeError, String(slots));
  }
});
