import { describe, it, expect } from 'vitest';
import { FrameCoalescer, latestByKey } from './coalesce.ts';

describe('FrameCoalescer', () => {
  it('delivers everything pushed before a frame as one batch, one frame scheduled', () => {
    const frames: (() => void)[] = [];
    const batches: number[][] = [];
    const c = new FrameCoalescer<number>(
      (b) => batches.push(b),
      (cb) => frames.push(cb),
    );
    for (let i = 0; i < 100; i++) c.push(i);
    expect(frames).toHaveLength(1);
    expect(batches).toHaveLength(0);
    frames.shift()!();
    expect(batches).toEqual([Array.from({ length: 100 }, (_, i) => i)]);
    c.push(100);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(batches[1]).toEqual([100]);
  });
  it('delivers nothing after stop', () => {
    const frames: (() => void)[] = [];
    const batches: number[][] = [];
    const c = new FrameCoalescer<number>(
      (b) => batches.push(b),
      (cb) => frames.push(cb),
    );
    c.push(1);
    c.stop();
    frames.forEach((f) => f());
    c.push(2);
    expect(batches).toEqual([]);
  });
  it('latestByKey keeps the newest per key', () => {
    const m = latestByKey(
      [
        { k: 'a', v: 1 },
        { k: 'b', v: 2 },
        { k: 'a', v: 3 },
      ],
      (x) => x.k,
    );
    expect(m.get('a')!.v).toBe(3);
    expect(m.size).toBe(2);
  });
});
