import { ErrorCode } from '../common/errors/error-codes';
import { MachineStatus } from './machine.entity';

/** In what capacity the actor acts on the machine. */
export type MachineAuthority = 'owner' | 'regulator' | 'platform';

export interface MachineStatusChange {
  from: MachineStatus;
  to: MachineStatus;
  authority: MachineAuthority;
  /** The current suspension was imposed by a regulator or platform admin. */
  suspendedByRegulator: boolean;
}

export type Verdict = { allowed: true } | { allowed: false; code: ErrorCode; message: string };

const deny = (code: ErrorCode, message: string): Verdict => ({ allowed: false, code, message });

/**
 * Who may move a machine between states. Retirement (淘汰) is final. The owning enterprise may
 * activate, suspend and retire its machines, but may not lift a regulator's suspension; a regulator
 * may suspend and reactivate but not retire (that is the owner's decision, or a platform admin's).
 */
export function judgeMachineStatusChange(c: MachineStatusChange): Verdict {
  if (c.from === MachineStatus.Retired)
    return deny(ErrorCode.MACHINE_RETIRED, 'The machine is retired; its record can no longer change');
  if (c.to === MachineStatus.Registered) return deny(ErrorCode.INVALID_STATE, 'A machine cannot go back to registered');
  if (c.from === c.to) return deny(ErrorCode.INVALID_STATE, `The machine is already ${c.to}`);
  if (c.authority === 'platform') return { allowed: true };
  if (c.authority === 'owner') {
    if (c.to === MachineStatus.Active && c.from === MachineStatus.Suspended && c.suspendedByRegulator) {
      return deny(ErrorCode.FORBIDDEN, 'The machine was suspended by a regulator; only a regulator may reactivate it');
    }
    return { allowed: true };
  }
  if (c.to === MachineStatus.Suspended) return { allowed: true };
  if (c.to === MachineStatus.Active && c.from === MachineStatus.Suspended) return { allowed: true };
  if (c.to === MachineStatus.Retired)
    return deny(ErrorCode.FORBIDDEN, 'A regulator may suspend or reactivate a machine, not retire it');
  return deny(ErrorCode.FORBIDDEN, 'A regulator may only reactivate a suspended machine');
}

/** After the change: does a regulator's suspension now hold? */
export function suspensionByRegulatorAfter(c: MachineStatusChange): boolean {
  return c.to === MachineStatus.Suspended && c.authority !== 'owner';
}
