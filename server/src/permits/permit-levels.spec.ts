import {
  effectiveLevel,
  maxEndFor,
  PermitLevel,
  raiseLevel,
  SpecialPeriods,
  touchedNight,
  windowViolation,
} from './permit-levels';

const at = (s: string) => new Date(s);
const none: SpecialPeriods = { holidays: [], nightHours: null, upgradeOnHolidays: true, upgradeAtNight: true };

describe('window length per level', () => {
  it('allows exactly 8 h for 特级 and 一级 and refuses 8 h + 1 min', () => {
    const start = at('2026-01-06T09:00:00+08:00');
    for (const level of [PermitLevel.Special, PermitLevel.Level1]) {
      expect(windowViolation(level, start, at('2026-01-06T17:00:00+08:00'))).toBeNull();
      const v = windowViolation(level, start, at('2026-01-06T17:01:00+08:00'));
      expect(v).toMatchObject({ maxHours: 8, actualMinutes: 481 });
      expect(v!.message).toContain('8');
    }
  });

  it('allows exactly 72 h for 二级 and refuses 72 h + 1 min', () => {
    const start = at('2026-01-06T09:00:00+08:00');
    expect(windowViolation(PermitLevel.Level2, start, at('2026-01-09T09:00:00+08:00'))).toBeNull();
    expect(windowViolation(PermitLevel.Level2, start, at('2026-01-09T09:01:00+08:00'))).toMatchObject({ maxHours: 72 });
    expect(maxEndFor(PermitLevel.Level2, start).toISOString()).toBe('2026-01-09T01:00:00.000Z');
  });
});

describe('holiday and night upgrade', () => {
  it('raises by exactly one step, 特级 staying 特级', () => {
    expect(raiseLevel(PermitLevel.Level2)).toBe(PermitLevel.Level1);
    expect(raiseLevel(PermitLevel.Level1)).toBe(PermitLevel.Special);
    expect(raiseLevel(PermitLevel.Special)).toBe(PermitLevel.Special);
  });

  it('upgrades a window touching a holiday (China date), not one ending at its first instant', () => {
    const periods = { ...none, holidays: ['2026-01-07'] };
    const touching = effectiveLevel(
      PermitLevel.Level2,
      at('2026-01-06T20:00:00+08:00'),
      at('2026-01-07T00:01:00+08:00'),
      periods,
    );
    expect(touching.effective).toBe(PermitLevel.Level1);
    expect(touching.upgradeReasons).toEqual([expect.objectContaining({ kind: 'holiday', date: '2026-01-07' })]);
    const before = effectiveLevel(
      PermitLevel.Level2,
      at('2026-01-06T20:00:00+08:00'),
      at('2026-01-07T00:00:00+08:00'),
      periods,
    );
    expect(before.effective).toBe(PermitLevel.Level2);
    expect(before.upgradeReasons).toEqual([]);
  });

  it('does not upgrade when the enterprise switched the holiday upgrade off', () => {
    const d = effectiveLevel(PermitLevel.Level2, at('2026-01-07T09:00:00+08:00'), at('2026-01-07T10:00:00+08:00'), {
      ...none,
      holidays: ['2026-01-07'],
      upgradeOnHolidays: false,
    });
    expect(d.effective).toBe(PermitLevel.Level2);
  });

  it('upgrades at night across midnight, and once only when both periods are touched', () => {
    const periods = { ...none, holidays: ['2026-01-07'], nightHours: { start: '22:00', end: '06:00' } };
    expect(
      effectiveLevel(PermitLevel.Level1, at('2026-01-06T14:00:00+08:00'), at('2026-01-06T22:00:00+08:00'), periods)
        .effective,
    ).toBe(PermitLevel.Level1);
    expect(
      effectiveLevel(PermitLevel.Level1, at('2026-01-06T14:00:00+08:00'), at('2026-01-06T22:01:00+08:00'), periods)
        .effective,
    ).toBe(PermitLevel.Special);
    const both = effectiveLevel(
      PermitLevel.Level2,
      at('2026-01-06T23:00:00+08:00'),
      at('2026-01-07T01:00:00+08:00'),
      periods,
    );
    expect(both.effective).toBe(PermitLevel.Level1);
    expect(both.upgradeReasons.map((r) => r.kind)).toEqual(['holiday', 'night']);
  });

  it("sees the early-morning part of the previous evening's night", () => {
    expect(
      touchedNight({ start: '22:00', end: '06:00' }, at('2026-01-06T05:59:00+08:00'), at('2026-01-06T09:00:00+08:00')),
    ).toBe('2026-01-05');
    expect(
      touchedNight({ start: '22:00', end: '06:00' }, at('2026-01-06T06:00:00+08:00'), at('2026-01-06T21:59:00+08:00')),
    ).toBeNull();
  });
});

describe('mandatory periods (statutory holidays, regulator special periods)', () => {
  const off: SpecialPeriods = {
    holidays: [],
    nightHours: { start: '22:00', end: '06:00' },
    upgradeOnHolidays: false,
    upgradeAtNight: false,
  };
  const mandatory = {
    statutoryHolidays: [{ date: '2026-10-01', name: '国庆节' }],
    regulatorPeriods: [
      {
        id: 'b1',
        startsAt: at('2026-03-01T00:00:00+08:00'),
        endsAt: at('2026-03-08T00:00:00+08:00'),
        reason: '全国两会',
      },
    ],
  };

  it('raise the level even where the enterprise switched upgrades off', () => {
    expect(
      effectiveLevel(
        PermitLevel.Level2,
        at('2026-10-01T09:00:00+08:00'),
        at('2026-10-01T12:00:00+08:00'),
        off,
        mandatory,
      ),
    ).toMatchObject({
      effective: PermitLevel.Level1,
      upgradeReasons: [{ kind: 'statutory_holiday', date: '2026-10-01' }],
    });
    expect(
      effectiveLevel(
        PermitLevel.Level1,
        at('2026-03-07T20:00:00+08:00'),
        at('2026-03-08T02:00:00+08:00'),
        off,
        mandatory,
      ),
    ).toMatchObject({ effective: PermitLevel.Special, upgradeReasons: [{ kind: 'special_period', blackoutId: 'b1' }] });
  });

  it('the window boundaries are half-open: ending as the period starts is not touched', () => {
    expect(
      effectiveLevel(
        PermitLevel.Level2,
        at('2026-02-28T16:00:00+08:00'),
        at('2026-03-01T00:00:00+08:00'),
        off,
        mandatory,
      ).effective,
    ).toBe(PermitLevel.Level2);
    expect(
      effectiveLevel(
        PermitLevel.Level2,
        at('2026-09-30T16:00:00+08:00'),
        at('2026-10-01T00:00:00+08:00'),
        off,
        mandatory,
      ).effective,
    ).toBe(PermitLevel.Level2);
  });

  it('several reasons still raise by one step', () => {
    const both = effectiveLevel(
      PermitLevel.Level2,
      at('2026-03-02T09:00:00+08:00'),
      at('2026-03-02T23:00:00+08:00'),
      { ...off, upgradeAtNight: true },
      mandatory,
    );
    expect(both.effective).toBe(PermitLevel.Level1);
    expect(both.upgradeReasons.map((r) => r.kind).sort()).toEqual(['night', 'special_period']);
  });
});
