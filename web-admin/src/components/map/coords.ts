/**
 * WGS-84 ↔ GCJ-02. ArcGate stores every position in WGS-84 (GPS, 天地图/CGCS2000 agree to within
 * centimetres); 高德 (AMap) tiles are drawn in GCJ-02, the offset datum mandated for Chinese web maps,
 * hundreds of metres away. On AMap tiles the map shifts what it draws into GCJ-02 and a pick back into
 * WGS-84. The forward formula is the published one; the inverse is iterated to well under a metre.
 */
export interface LatLng {
  lat: number;
  lng: number;
}

const A = 6378245.0;
const EE = 0.006693421622965943;

/** GCJ-02 applies only inside mainland China; outside it, both datums are the same. */
export function outOfChina({ lat, lng }: LatLng): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

export function wgs84ToGcj02(p: LatLng): LatLng {
  if (outOfChina(p)) return { ...p };
  const radLat = (p.lat / 180) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (transformLat(p.lng - 105, p.lat - 35) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng = (transformLng(p.lng - 105, p.lat - 35) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lat: p.lat + dLat, lng: p.lng + dLng };
}

export function gcj02ToWgs84(p: LatLng): LatLng {
  if (outOfChina(p)) return { ...p };
  let guess = { lat: p.lat, lng: p.lng };
  for (let i = 0; i < 10; i++) {
    const there = wgs84ToGcj02(guess);
    const dLat = there.lat - p.lat;
    const dLng = there.lng - p.lng;
    guess = { lat: guess.lat - dLat, lng: guess.lng - dLng };
    if (Math.abs(dLat) < 1e-9 && Math.abs(dLng) < 1e-9) break;
  }
  return guess;
}
