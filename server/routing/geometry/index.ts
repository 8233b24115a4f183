export { EARTH_RADIUS_M, haversineM } from './haversine.ts';
export { decodePolyline, encodePolyline } from './polyline.ts';
export { buildRouteGeometry, nearestOnRoute, splitRoute, type RouteGeometry, type RouteMatch } from './route-geometry.ts';
