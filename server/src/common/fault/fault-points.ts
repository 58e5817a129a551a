import { writeSync } from 'node:fs';
import { FaultPointName, parseFaultPoints } from '../../config/fault-point-names';

/**
 * Test-only fault injection for the fault-matrix runner: named points where the process kills
 * itself with SIGKILL (no shutdown hooks, no flush), to prove that a crash at that point loses
 * nothing. Armed only from ARCGATE_FAULT_POINTS (config refuses it in production); unarmed, a point
 * costs one null check.
 */
export class FaultPoints {
  private readonly hits = new Map<FaultPointName, number>();

  constructor(
    private readonly triggers: Map<FaultPointName, number>,
    private readonly kill: (name: FaultPointName, hit: number) => void = killSelf,
  ) {}

  hit(name: FaultPointName): void {
    const at = this.triggers.get(name);
    if (at === undefined) return;
    const n = (this.hits.get(name) ?? 0) + 1;
    this.hits.set(name, n);
    if (n === at) this.kill(name, n);
  }
}

function killSelf(name: FaultPointName, hit: number): void {
  // Synchronous write: the runner reads which point fired; nothing asynchronous survives SIGKILL.
  writeSync(2, `ARCGATE_FAULT_POINT ${name} hit ${hit}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}

let armed: FaultPoints | null = null;

/** Arms the points of `spec` for this process (main.ts, from validated config); null disarms. */
export function armFaultPoints(spec: string | null | undefined, kill?: (name: FaultPointName, hit: number) => void): void {
  armed = spec ? new FaultPoints(parseFaultPoints(spec), kill) : null;
}

/** A named crash point; does nothing unless armed. */
export function faultPoint(name: FaultPointName): void {
  if (armed !== null) armed.hit(name);
}
