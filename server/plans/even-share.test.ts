import { describe, expect, it } from 'vitest';
import { evenShareVehicles } from './even-share.ts';

const day = [28_800, 64_800] as const;

describe('evenShareVehicles', () => {
  it('caps each collector who can work at ceil(visits / them), never above their own max', () => {
    const capped = evenShareVehicles([{ maxTasks: 25, shift: day }, { maxTasks: 25, shift: day }, { maxTasks: 3, shift: day }], 10);
    expect(capped?.map((v) => v.maxTasks)).toEqual([4, 4, 3]);
  });

  it('shares among those who can work: no time left in the day or no room is no share', () => {
    const capped = evenShareVehicles([{ maxTasks: 25, shift: day }, { maxTasks: 25, shift: [64_800, 64_800] }, { maxTasks: 0, shift: day }], 9);
    expect(capped?.map((v) => v.maxTasks)).toEqual([9, 25, 0]);
  });

  it('is null when the share lowers no cap, or nobody can work', () => {
    expect(evenShareVehicles([{ maxTasks: 5, shift: day }, { maxTasks: 5, shift: day }], 12)).toBeNull();
    expect(evenShareVehicles([{ maxTasks: 0, shift: day }], 12)).toBeNull();
  });
});
