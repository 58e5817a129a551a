import { describe, expect, it } from 'vitest';
import { gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from './coords';

describe('WGS-84 ↔ GCJ-02', () => {
  it('shifts a point in Xiayi by the offset AMap tiles carry (a few hundred metres)', () => {
    const wgs = { lat: 34.1721, lng: 116.0012 };
    const gcj = wgs84ToGcj02(wgs);
    const dLat = (gcj.lat - wgs.lat) * 111_000;
    const dLng = (gcj.lng - wgs.lng) * 111_000 * Math.cos((wgs.lat * Math.PI) / 180);
    const metres = Math.hypot(dLat, dLng);
    expect(metres).toBeGreaterThan(100);
    expect(metres).toBeLessThan(1000);
  });

  it('comes back to within a few centimetres', () => {
    for (const wgs of [
      { lat: 34.1721, lng: 116.0012 },
      { lat: 39.9087, lng: 116.3975 },
      { lat: 22.5431, lng: 114.0579 },
    ]) {
      const back = gcj02ToWgs84(wgs84ToGcj02(wgs));
      expect(Math.abs(back.lat - wgs.lat)).toBeLessThan(1e-6);
      expect(Math.abs(back.lng - wgs.lng)).toBeLessThan(1e-6);
    }
  });

  it('leaves points outside China alone', () => {
    const paris = { lat: 48.8566, lng: 2.3522 };
    expect(outOfChina(paris)).toBe(true);
    expect(wgs84ToGcj02(paris)).toEqual(paris);
    expect(gcj02ToWgs84(paris)).toEqual(paris);
  });
});
