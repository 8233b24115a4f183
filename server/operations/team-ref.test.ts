import { describe, expect, it } from 'vitest';
import { teamFinder } from './team-ref.ts';

describe('teamFinder', () => {
  // Two names differing only by case: what a database held before migration 0011.
  const find = teamFinder([
    { id: 1, name: 'Centro' },
    { id: 2, name: 'PONIENTE' },
    { id: 3, name: 'Poniente' },
  ]);

  it('finds a team by id, then exact name, then name in any letter case', () => {
    expect(find('1')?.id).toBe(1);
    expect(find('Poniente')?.id).toBe(3);
    expect(find('PONIENTE')?.id).toBe(2);
    expect(find(' centro ')?.id).toBe(1);
    expect(find('Norte')).toBeUndefined();
  });
});
