import { describe, expect, it } from 'vitest';
import { reorderAnchor } from './reassign-changes.ts';

describe('reorderAnchor', () => {
  const route = [1, 2, 3, 4, 5];

  it('finds the visit a dispatcher moved up or down, to lock in its new place', () => {
    // The last visit put second: locked there, the three it jumped follow free.
    expect(reorderAnchor(route, [1, 5, 2, 3, 4])).toBe(5);
    // The second visit put fourth: locked there, with the two it passed before it.
    expect(reorderAnchor(route, [1, 3, 4, 2, 5])).toBe(2);
  });

  it('takes the visit the dispatcher names when it explains the order, else the later of two swapped neighbours', () => {
    expect(reorderAnchor(route, [1, 3, 2, 4, 5], 3)).toBe(3);
    expect(reorderAnchor(route, [1, 3, 2, 4, 5], 2)).toBe(2);
    expect(reorderAnchor(route, [1, 3, 2, 4, 5])).toBe(2);
    // Named, but not what the order did: the visit that did move.
    expect(reorderAnchor(route, [1, 5, 2, 3, 4], 2)).toBe(5);
  });

  it('reads a partial order as the listed visits first, the others after them as they were', () => {
    expect(reorderAnchor(route, [5])).toBe(5);
    expect(reorderAnchor(route, [1, 2])).toBeNull();
    expect(reorderAnchor(route, [3, 1])).toBe(3);
  });

  it('locks the last place changed when several visits moved at once, nothing when none did', () => {
    expect(reorderAnchor(route, [2, 1, 4, 3, 5])).toBe(3);
    expect(reorderAnchor(route, route)).toBeNull();
  });
});
