import { describe, expect, it } from 'vitest';
import { decodeRoutePath } from './route-polyline.ts';

describe('decodeRoutePath', () => {
  it("decodes Google's documented example to [lon, lat] pairs", () => {
    // https://developers.google.com/maps/documentation/utilities/polylinealgorithm
    expect(decodeRoutePath('_p~iF~ps|U_ulLnnqC_mqNvxq`@')).toEqual([
      [-120.2, 38.5],
      [-120.95, 40.7],
      [-126.453, 43.252],
    ]);
  });

  it('keeps the points before a truncated or corrupt tail', () => {
    expect(decodeRoutePath('_p~iF~ps|U_ulL')).toEqual([[-120.2, 38.5]]);
    expect(decodeRoutePath('_p~iF~ps|U\u0001\u0001')).toEqual([[-120.2, 38.5]]);
    expect(decodeRoutePath('')).toEqual([]);
  });
});
