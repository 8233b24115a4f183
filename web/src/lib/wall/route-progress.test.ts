import { describe, expect, it } from 'vitest';
import { splitRoute } from './route-progress.ts';

describe('splitRoute', () => {
  // A straight street west → east, one vertex per 0.001°, with stops at vertices 2, 5 and 8.
  const path = Array.from({ length: 11 }, (_, i) => [-103.35 + i * 0.001, 20.67] as [number, number]);
  const stop = (i: number, status: 'assigned' | 'arrived' | 'completed' | 'missed' | 'cancelled') => ({ lon: -103.35 + i * 0.001, lat: 20.67001, status });

  it('is all remaining before the first stop is reached', () => {
    const { done, remaining } = splitRoute(path, [stop(2, 'assigned'), stop(5, 'assigned')]);
    expect(done).toEqual([]);
    expect(remaining).toEqual(path);
  });

  it('cuts at the last reached stop; both parts share the cut vertex', () => {
    const { done, remaining } = splitRoute(path, [stop(2, 'completed'), stop(5, 'missed'), stop(8, 'assigned')]);
    expect(done).toEqual(path.slice(0, 6));
    expect(remaining).toEqual(path.slice(5));
  });

  it('counts an arrival as reached and skips cancelled stops', () => {
    const { done } = splitRoute(path, [stop(2, 'completed'), stop(5, 'cancelled'), stop(8, 'arrived')]);
    expect(done).toEqual(path.slice(0, 9));
  });

  it('matches stops in order on a route that passes the same corner twice', () => {
    // Out along the street and back: vertex 3 and vertex 7 are the same corner.
    const outAndBack: [number, number][] = [...path.slice(0, 6), ...path.slice(0, 5).reverse()];
    const { done } = splitRoute(outAndBack, [stop(5, 'completed'), stop(3, 'completed')]);
    // The second stop is the corner on the way back (index 7), not the first pass (index 3).
    expect(done).toHaveLength(8);
  });
});
