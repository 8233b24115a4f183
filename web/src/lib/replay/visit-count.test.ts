import { describe, expect, it } from 'vitest';
import { visitCount } from './visit-count.ts';

describe('visitCount', () => {
  it('counts the morning visits a noon re-plan no longer holds, and each visit once', () => {
    // Re-planned at noon: visits 5–7 left on the route; 1–4 recorded, visit 2 twice (a promise, then the payment).
    expect(visitCount([5, 6, 7], [1, 2, 2, 3, 4])).toEqual({ made: 4, planned: 7 });
  });

  it('does not count a recorded visit twice when the route still lists it', () => {
    expect(visitCount([1, 2, 3], [1])).toEqual({ made: 1, planned: 3 });
  });
});
