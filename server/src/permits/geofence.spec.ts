import { distanceOutsideM, GPS_TOLERANCE_M, haversineM, insidePolygon, withinGeofence } from './geofence';

const center = { lat: 34.1721, lng: 116.0012 };
const northBy = (m: number) => ({ lat: center.lat + m / 111_195, lng: center.lng });

describe('geofence', () => {
  it('measures distance with haversine', () => {
    expect(haversineM(center, northBy(100))).toBeCloseTo(100, 0);
  });

  it('circle: inside, within the GPS tolerance, and beyond it', () => {
    const fence = { type: 'circle' as const, center, radiusM: 50 };
    expect(distanceOutsideM(fence, northBy(40))).toBe(0);
    expect(withinGeofence(fence, northBy(50 + GPS_TOLERANCE_M - 1))).toBe(true);
    expect(withinGeofence(fence, northBy(50 + GPS_TOLERANCE_M + 2))).toBe(false);
  });

  it('polygon: ray casting inside, distance to the nearest edge outside', () => {
    const d = 0.001; // about 111 m of latitude
    const points = [
      { lat: center.lat - d, lng: center.lng - d },
      { lat: center.lat - d, lng: center.lng + d },
      { lat: center.lat + d, lng: center.lng + d },
      { lat: center.lat + d, lng: center.lng - d },
    ];
    const fence = { type: 'polygon' as const, points };
    expect(insidePolygon(points, center)).toBe(true);
    const justNorth = { lat: center.lat + d + 20 / 111_195, lng: center.lng };
    expect(distanceOutsideM(fence, justNorth)).toBeCloseTo(20, 0);
    expect(withinGeofence(fence, justNorth)).toBe(true);
    expect(withinGeofence(fence, { lat: center.lat + d + 40 / 111_195, lng: center.lng })).toBe(false);
  });
});
