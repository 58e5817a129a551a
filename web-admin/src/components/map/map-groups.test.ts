import { describe, expect, it } from 'vitest';
import { groupByPlace, groupTone, machineTone, worstSeverity } from './map-groups';

describe('map pins', () => {
  it('puts items at the same point on one pin and leaves out those without a place', () => {
    const groups = groupByPlace([
      { id: 'a', position: { lat: 34.1721, lng: 116.0012 } },
      { id: 'b', position: { lat: 34.1721, lng: 116.0012 } },
      { id: 'c', position: { lat: 34.2489, lng: 116.1321 } },
      { id: 'd', position: null },
    ]);
    expect(groups.map((g) => g.items.map((i) => i.id))).toEqual([['a', 'b'], ['c']]);
  });

  it('tones a pin by its liveliest machine', () => {
    expect(machineTone({ chipped: false, online: false, arcing: false })).toBe('unchipped');
    expect(machineTone({ chipped: true, online: false, arcing: false })).toBe('chipped');
    expect(
      groupTone([
        { chipped: true, online: true, arcing: false },
        { chipped: true, online: true, arcing: true },
        { chipped: false, online: false, arcing: false },
      ]),
    ).toBe('arcing');
    expect(worstSeverity([{ severity: 'info' }, { severity: 'critical' }])).toBe('critical');
  });
});
