import { assertTransition, displayStatus, PermitStatus } from './permit-status';

describe('permit status', () => {
  const p = {
    status: PermitStatus.Approved,
    plannedStart: new Date('2026-01-06T01:00:00Z'),
    plannedEnd: new Date('2026-01-06T09:00:00Z'),
  };
  it('derives approved / active / expired from the clock', () => {
    expect(displayStatus(p, new Date('2026-01-06T00:59:59Z'))).toBe('approved');
    expect(displayStatus(p, new Date('2026-01-06T01:00:00Z'))).toBe('active');
    expect(displayStatus(p, new Date('2026-01-06T09:00:00Z'))).toBe('expired');
    expect(displayStatus({ ...p, status: PermitStatus.Closed }, new Date('2026-01-06T02:00:00Z'))).toBe('closed');
  });

  it('shows a suspended permit as suspended until its end, and lets it be closed or re-tested but not extended', () => {
    const s = { ...p, suspendedAt: new Date('2026-01-06T02:00:00Z') };
    expect(displayStatus(s, new Date('2026-01-06T00:30:00Z'))).toBe('suspended');
    expect(displayStatus(s, new Date('2026-01-06T03:00:00Z'))).toBe('suspended');
    expect(displayStatus(s, new Date('2026-01-06T09:00:00Z'))).toBe('expired');
    expect(() => assertTransition('addGasAnalysis', 'suspended')).not.toThrow();
    expect(() => assertTransition('close', 'suspended')).not.toThrow();
    expect(() => assertTransition('extend', 'suspended')).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });

  it('refuses transitions not in the table with INVALID_STATE and the current status', () => {
    expect(() => assertTransition('submit', 'draft')).not.toThrow();
    expect(() => assertTransition('close', 'submitted')).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE', details: expect.objectContaining({ status: 'submitted' }) }),
    );
    expect(() => assertTransition('update', 'approved')).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });
});
