/**
 * Decodes a plan route's path (PlanRoute.polyline: Google's Encoded Polyline
 * Algorithm Format, 5 decimals, latitude first) to GeoJSON [lon, lat] pairs.
 * The web may import only contract types from the server (STYLE §1), so the
 * decoder of server/routing/geometry/polyline.ts is repeated here, decode only.
 * A string that ends inside a value yields the points decoded before it: the
 * map then draws a shorter line instead of failing.
 */
export function decodeRoutePath(encoded: string): [number, number][] {
  const out: [number, number][] = [];
  let index = 0;
  let lat = 0;
  let lon = 0;
  const next = (): number | null => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (index >= encoded.length) return null;
      const b = encoded.charCodeAt(index++) - 63;
      if (b < 0 || b > 0x3f) return null;
      result += (b & 0x1f) * scale;
      scale *= 0x20;
      if (b < 0x20) break;
    }
    return result % 2 === 1 ? -(result + 1) / 2 : result / 2;
  };
  while (index < encoded.length) {
    const dLat = next();
    const dLon = next();
    if (dLat === null || dLon === null) break;
    lat += dLat;
    lon += dLon;
    out.push([lon / 1e5, lat / 1e5]);
  }
  return out;
}
