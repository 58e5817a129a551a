import { MachineStatus } from './machine.entity';

/**
 * Machines a permit may name and be evaluated with: a registered one (not yet commissioned) or an
 * active one, never a suspended or retired one. The arm decision is stricter on top of this: the
 * device unlocks an active machine only (AuthorizationService.checkMachine, with its own reasons).
 */
const USABLE: ReadonlySet<MachineStatus> = new Set([MachineStatus.Registered, MachineStatus.Active]);

export function isMachineUsable(status: MachineStatus | null | undefined): boolean {
  return status != null && USABLE.has(status);
}
