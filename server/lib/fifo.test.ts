import { describe, expect, it } from 'vitest';
import { Fifo } from './fifo.ts';

describe('Fifo', () => {
  it('keeps first-in first-out order across compactions and put-backs', () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) q.push(i);
    for (let i = 0; i < 3000; i++) out.push(q.shift()!);
    q.unshiftAll([-2, -1]);
    expect(q.peek()).toBe(-2);
    for (let i = 5000; i < 6000; i++) q.push(i);
    expect(q.length).toBe(2 + 2000 + 1000);
    while (q.length > 0) out.push(q.shift()!);
    expect(out).toEqual([...Array.from({ length: 3000 }, (_, i) => i), -2, -1, ...Array.from({ length: 3000 }, (_, i) => 3000 + i)]);
    expect(q.shift()).toBeUndefined();
  });

  it('shifts a queue of 200,000 in linear time', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 200_000; i++) q.push(i);
    const started = performance.now();
    let sum = 0;
    while (q.length > 0) sum += q.shift()!;
    expect(sum).toBe((199_999 * 200_000) / 2);
    // Array.prototype.shift on the same array takes seconds here.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('drains what is left, in order', () => {
    const q = new Fifo<string>();
    q.push('a');
    q.push('b');
    q.push('c');
    q.shift();
    expect(q.drain()).toEqual(['b', 'c']);
    expect(q.length).toBe(0);
  });
});
