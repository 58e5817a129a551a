import { gasAnalysisPasses, gasVerdict, LelClass, lelClassOf } from './gas-rules';
import { PermitLevel } from './permit-levels';

const t0 = new Date('2026-01-06T01:00:00Z');
const min = (n: number) => new Date(t0.getTime() + n * 60_000);
const noArcs = { firstArcAt: null, lastArcStartedAt: null, lastArcEndedAt: null };

describe('gas analysis pass mark', () => {
  it('≤ 0.5 % vol where LEL ≥ 4 %, ≤ 0.2 % where LEL < 4 %', () => {
    expect(gasAnalysisPasses(LelClass.AtLeast4, 0.5)).toBe(true);
    expect(gasAnalysisPasses(LelClass.AtLeast4, 0.5001)).toBe(false);
    expect(gasAnalysisPasses(LelClass.Below4, 0.2)).toBe(true);
    expect(gasAnalysisPasses(LelClass.Below4, 0.21)).toBe(false);
    expect(gasAnalysisPasses(LelClass.Below4, 0.1 + 0.1)).toBe(true);
    expect(gasAnalysisPasses(LelClass.AtLeast4, -1)).toBe(false);
  });

  it('classes a gas by its LEL', () => {
    expect(lelClassOf(4)).toBe(LelClass.AtLeast4);
    expect(lelClassOf(3.99)).toBe(LelClass.Below4);
  });
});

describe('gas freshness before the first arc', () => {
  const passed = [{ takenAt: t0, passed: true }];
  it('accepts an analysis exactly 30 min old, not 31', () => {
    expect(gasVerdict(PermitLevel.Level2, passed, noArcs, min(30))).toBe('OK');
    expect(gasVerdict(PermitLevel.Level2, passed, noArcs, min(31))).toBe('GAS_ANALYSIS_STALE');
  });
  it('needs an analysis, and the latest must pass', () => {
    expect(gasVerdict(PermitLevel.Level2, [], noArcs, min(1))).toBe('GAS_ANALYSIS_MISSING');
    expect(gasVerdict(PermitLevel.Level2, [...passed, { takenAt: min(5), passed: false }], noArcs, min(6))).toBe(
      'GAS_ANALYSIS_FAILED',
    );
    expect(gasVerdict(PermitLevel.Level2, [{ takenAt: min(5), passed: true }], noArcs, min(1))).toBe(
      'GAS_ANALYSIS_MISSING',
    );
  });
});

describe('re-test after a pause', () => {
  const passed = [{ takenAt: t0, passed: true }];
  const arcs = { firstArcAt: min(5), lastArcStartedAt: min(5), lastArcEndedAt: min(10) };
  it('一级 and 特级: a pause of 30 min is fine, 31 min needs a re-test', () => {
    for (const level of [PermitLevel.Level1, PermitLevel.Special]) {
      expect(gasVerdict(level, passed, arcs, min(40))).toBe('OK');
      expect(gasVerdict(level, passed, arcs, min(41))).toBe('GAS_RETEST_REQUIRED');
    }
  });
  it('二级: a pause of 60 min is fine, 61 min needs a re-test', () => {
    expect(gasVerdict(PermitLevel.Level2, passed, arcs, min(70))).toBe('OK');
    expect(gasVerdict(PermitLevel.Level2, passed, arcs, min(71))).toBe('GAS_RETEST_REQUIRED');
  });
  it('a passing re-test taken during the pause reopens the gate; a failing one keeps it shut', () => {
    expect(gasVerdict(PermitLevel.Level1, [...passed, { takenAt: min(45), passed: true }], arcs, min(50))).toBe('OK');
    expect(gasVerdict(PermitLevel.Level1, [...passed, { takenAt: min(45), passed: false }], arcs, min(50))).toBe(
      'GAS_ANALYSIS_FAILED',
    );
  });
  it('an arc reported started but never ended counts from its start', () => {
    const open = { firstArcAt: min(5), lastArcStartedAt: min(20), lastArcEndedAt: min(10) };
    expect(gasVerdict(PermitLevel.Level1, passed, open, min(50))).toBe('OK');
    expect(gasVerdict(PermitLevel.Level1, passed, open, min(51))).toBe('GAS_RETEST_REQUIRED');
  });
});
