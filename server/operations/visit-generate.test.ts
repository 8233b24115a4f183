import { describe, expect, it } from 'vitest';
import { assignNearest } from './visit-generate.ts';

/** Two clusters 5 km apart; Ana was last seen at the west one, Luis at the east one. */
const west = (id: number, priority: number) => ({ id, lat: 20.67, lon: -103.40 + id * 0.0001, priority });
const east = (id: number, priority: number) => ({ id, lat: 20.67, lon: -103.35 + id * 0.0001, priority });

describe('assignNearest', () => {
  it('gives each account to the nearest collector while both have room', () => {
    const due = [west(1, 90), east(2, 80), west(3, 70), east(4, 60)];
    const collectors = [
      { id: 10, anchor: [-103.40, 20.67] as [number, number], load: 0 },
      { id: 20, anchor: [-103.35, 20.67] as [number, number], load: 0 },
    ];
    expect([...assignNearest(due, collectors, 30)]).toEqual([[1, 10], [2, 20], [3, 10], [4, 20]]);
  });

  it('keeps shares even: the nearer collector full, the rest go to the other one', () => {
    const due = [west(1, 90), west(2, 80), west(3, 70), west(4, 60)];
    const collectors = [
      { id: 10, anchor: [-103.40, 20.67] as [number, number], load: 0 },
      { id: 20, anchor: [-103.35, 20.67] as [number, number], load: 0 },
    ];
    expect([...assignNearest(due, collectors, 30)]).toEqual([[1, 10], [2, 10], [3, 20], [4, 20]]);
  });

  it('deals round robin to collectors with no known position, and stops at the cap', () => {
    const due = [1, 2, 3, 4, 5].map((id) => west(id, 100 - id));
    const collectors = [
      { id: 10, anchor: null, load: 0 },
      { id: 20, anchor: null, load: 0 },
    ];
    expect([...assignNearest(due, collectors, 2)]).toEqual([[1, 10], [2, 20], [3, 10], [4, 20]]);
  });
});
