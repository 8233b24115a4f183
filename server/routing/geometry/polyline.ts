/**
 * Google's Encoded Polyline Algorithm Format
 * (https://developers.google.com/maps/documentation/utilities/polylinealgorithm): each coordinate
 * as a zig-zag varint of the delta from the previous one, latitude first, 5 decimals (OSRM's
 * `geometries=polyline`) or 6 (`polyline6`). Our coordinates are [lon, lat] (GeoJSON order), so
 * this codec swaps on the way in and out instead of allocating flipped copies.
 */
export function encodePolyline(coordinates: readonly (readonly [number, number])[], precision = 5): string {
  const factor = 10 ** precision;
  let out = '';
  let prevLat = 0;
  let prevLon = 0;
  for (const [lon, lat] of coordinates) {
    const iLat = Math.round(lat * factor);
    const iLon = Math.round(lon * factor);
    out += encodeSigned(iLat - prevLat) + encodeSigned(iLon - prevLon);
    prevLat = iLat;
    prevLon = iLon;
  }
  return out;
}

function encodeSigned(value: number): string {
  // Zig-zag via arithmetic, not bit shifts: deltas can exceed 2^31 at precision 6 (a world-crossing jump).
  let v = value < 0 ? -2 * value - 1 : 2 * value;
  let out = '';
  while (v >= 0x20) {
    out += String.fromCharCode((0x20 | (v % 0x20)) + 63);
    v = Math.floor(v / 0x20);
  }
  return out + String.fromCharCode(v + 63);
}

/** Decodes to [lon, lat] pairs; throws on a string that ends inside a value. */
export function decodePolyline(encoded: string, precision = 5): [number, number][] {
  const factor = 10 ** precision;
  const out: [number, number][] = [];
  let index = 0;
  let lat = 0;
  let lon = 0;
  const next = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (index >= encoded.length) throw new Error(`truncated polyline at character ${index}`);
      const b = encoded.charCodeAt(index++) - 63;
      if (b < 0 || b > 0x3f) throw new Error(`invalid polyline character at ${index - 1}`);
      result += (b & 0x1f) * scale;
      scale *= 0x20;
      if (b < 0x20) break;
    }
    return result % 2 === 1 ? -(result + 1) / 2 : result / 2;
  };
  while (index < encoded.length) {
    lat += next();
    lon += next();
    out.push([lon / factor, lat / factor]);
  }
  return out;
}
