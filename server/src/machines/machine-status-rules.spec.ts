import { ErrorCode } from '../common/errors/error-codes';
import { judgeMachineStatusChange, MachineAuthority, suspensionByRegulatorAfter } from './machine-status-rules';
import { MachineStatus as S } from './machine.entity';

const judge = (from: S, to: S, authority: MachineAuthority, suspendedByRegulator = false) =>
  judgeMachineStatusChange({ from, to, authority, suspendedByRegulator });

describe('judgeMachineStatusChange', () => {
  it('treats retirement as final for everyone', () => {
    for (const a of ['owner', 'regulator', 'platform'] as const) {
      for (const to of [S.Active, S.Suspended, S.Retired]) {
        expect(judge(S.Retired, to, a)).toMatchObject({ allowed: false, code: ErrorCode.MACHINE_RETIRED });
      }
    }
  });

  it('refuses no-op changes and going back to registered', () => {
    expect(judge(S.Active, S.Active, 'platform')).toMatchObject({ allowed: false, code: ErrorCode.INVALID_STATE });
    expect(judge(S.Active, S.Registered, 'platform')).toMatchObject({ allowed: false, code: ErrorCode.INVALID_STATE });
  });

  it('lets the owner activate, suspend and retire', () => {
    expect(judge(S.Registered, S.Active, 'owner')).toEqual({ allowed: true });
    expect(judge(S.Active, S.Suspended, 'owner')).toEqual({ allowed: true });
    expect(judge(S.Suspended, S.Active, 'owner', false)).toEqual({ allowed: true });
    expect(judge(S.Suspended, S.Retired, 'owner', true)).toEqual({ allowed: true });
  });

  it('keeps a regulator suspension in force against the owner', () => {
    expect(judge(S.Suspended, S.Active, 'owner', true)).toMatchObject({ allowed: false, code: ErrorCode.FORBIDDEN });
    expect(judge(S.Suspended, S.Active, 'regulator', true)).toEqual({ allowed: true });
    expect(judge(S.Suspended, S.Active, 'platform', true)).toEqual({ allowed: true });
  });

  it('lets a regulator suspend and reactivate but not retire or activate a new machine', () => {
    expect(judge(S.Active, S.Suspended, 'regulator')).toEqual({ allowed: true });
    expect(judge(S.Registered, S.Suspended, 'regulator')).toEqual({ allowed: true });
    expect(judge(S.Active, S.Retired, 'regulator')).toMatchObject({ allowed: false, code: ErrorCode.FORBIDDEN });
    expect(judge(S.Registered, S.Active, 'regulator')).toMatchObject({ allowed: false, code: ErrorCode.FORBIDDEN });
  });

  it('records who imposed a suspension', () => {
    expect(
      suspensionByRegulatorAfter({
        from: S.Active,
        to: S.Suspended,
        authority: 'regulator',
        suspendedByRegulator: false,
      }),
    ).toBe(true);
    expect(
      suspensionByRegulatorAfter({ from: S.Active, to: S.Suspended, authority: 'owner', suspendedByRegulator: false }),
    ).toBe(false);
    expect(
      suspensionByRegulatorAfter({
        from: S.Suspended,
        to: S.Active,
        authority: 'regulator',
        suspendedByRegulator: true,
      }),
    ).toBe(false);
  });
});
