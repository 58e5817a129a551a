/** Where hot work may happen: a circle or a polygon around the declared work site. */
export interface LatLng {
  lat: number;
  lng: number;
}

export type Geofence = { type: 'circle'; center: LatLng; radiusM: number } | { type: 'polygon'; points: LatLng[] };

/**
 * Phone and module GPS is commonly off by 5–30 m near buildings; a reported position this far
 * outside the fence still counts as inside, so that a welder at the fence's edge is not locked out.
 */
export const GPS_TOLERANCE_M = 30;
/** A fix less accurate than this says too little to place the welder on the site: refused. */
export const MAX_POSITION_ACCURACY_M = 100;

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

export function haversineM(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Ray casting in degrees: fine for site-sized polygons away from the poles and the antimeridian. */
export function insidePolygon(points: LatLng[], p: LatLng): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const a = points[i],
      b = points[j];
    if (a.lat > p.lat !== b.lat > p.lat && p.lng < ((b.lng - a.lng) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lng)
      inside = !inside;
  }
  return inside;
}

/** Metres from p to segment ab, on a local equirectangular projection around p. */
function distanceToSegmentM(p: LatLng, a: LatLng, b: LatLng): number {
  const kx = EARTH_RADIUS_M * Math.cos(rad(p.lat)) * (Math.PI / 180);
  const ky = EARTH_RADIUS_M * (Math.PI / 180);
  const ax = (a.lng - p.lng) * kx,
    ay = (a.lat - p.lat) * ky;
  const bx = (b.lng - p.lng) * kx,
    by = (b.lat - p.lat) * ky;
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

/** 0 inside the fence, otherwise how far outside it the point lies, in metres. */
export function distanceOutsideM(fence: Geofence, p: LatLng): number {
  if (fence.type === 'circle') return Math.max(0, haversineM(fence.center, p) - fence.radiusM);
  if (insidePolygon(fence.points, p)) return 0;
  let best = Infinity;
  for (let i = 0; i < fence.points.length; i++) {
    best = Math.min(best, distanceToSegmentM(p, fence.points[i], fence.points[(i + 1) % fence.points.length]));
  }
  return best;
}

export function withinGeofence(fence: Geofence, p: LatLng, toleranceM = GPS_TOLERANCE_M): boolean {
  return distanceOutsideM(fence, p) <= toleranceM;
}
