// Unit tests of the ingest write batcher: concurrent adds coalesce into one store call, each
// caller resolves only after the write holding its items finished, and a failed write rejects
// exactly the callers whose items were in it.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { WriteBatcher } from '../../server/src/ingest/batcher.ts';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

test('adds in one event-loop turn become one write; callers wait for it', async () => {
  const writes: number[][] = [];
  const gates: ReturnType<typeof deferred>[] = [];
  const b = new WriteBatcher<number>(
    (batch) => {
      writes.push(batch);
      const g = deferred();
      gates.push(g);
      return g.promise;
    },
    { maxItems: 1000, maxDelayMs: 0 },
  );
  const done: string[] = [];
  const p1 = b.add([1, 2]).then(() => done.push('a'));
  const p2 = b.add([3]).then(() => done.push('b'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(writes, [[1, 2, 3]]);
  // Added while the first write is in flight: waits for the next batch.
  const p3 = b.add([4]).then(() => done.push('c'));
  await new Promise((r) => setImmediate(r));
  assert.equal(writes.length, 1);
  assert.deepEqual(done, []);
  gates[0]!.resolve();
  await Promise.all([p1, p2]);
  assert.deepEqual(done.sort(), ['a', 'b']);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(writes[1], [4]);
  gates[1]!.resolve();
  await p3;
  assert.deepEqual(done, ['a', 'b', 'c']);
});

test('a failed write rejects its callers only', async () => {
  let n = 0;
  const b = new WriteBatcher<number>(
    async () => {
      if (n++ === 0) throw new Error('disk full');
    },
    { maxItems: 1000, maxDelayMs: 0 },
  );
  const first = b.add([1]);
  await assert.rejects(first, /disk full/);
  await b.add([2]);
  assert.equal(n, 2);
});

test('maxItems flushes at once', async () => {
  const writes: number[][] = [];
  const b = new WriteBatcher<number>(async (batch) => void writes.push(batch), { maxItems: 3, maxDelayMs: 60_000 });
  await b.add([1, 2, 3]);
  assert.deepEqual(writes, [[1, 2, 3]]);
  const p = b.add([4]);
  await b.flush();
  await p;
  assert.deepEqual(writes, [[1, 2, 3], [4]]);
});
