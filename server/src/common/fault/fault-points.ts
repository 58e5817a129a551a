import { writeSync } from 'node:fs';

/**
 * Test-only fault injection for the fault-matrix runner: named points where the process kills
 * itself with SIGKILL (no shutdown hooks, no flush), to prove that a crash at that point loses
 * nothing. Armed only from ARCGATE_FAULT_POINTS (config refuses it in production); unarmed, a point
 * costs one null check.
 */
export const FAULT_POINT_NAMES = [
  'decision.after-claim',
  'decision.after-store',
  'ingest.mid-flush',
  'ingest.before-ack',
  'archive.after-write',
] as const;
export type FaultPointName = (typeof FAULT_POINT_NAMES)[number];

/** "name[:n],name[:n]" → trigger on the n-th hit of each (default 1). Throws on anything else. */
export function parseFaultPoints(spec: string): Map<FaultPointName, number> {
  const out = new Map<FaultPointName, number>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z.-]+)(?::(\d{1,9}))?$/.exec(part);
    if (!m || !(FAULT_POINT_NAMES as readonly string[]).includes(m[1]))
      throw new Error(`unknown fault point "${part}" (known: ${FAULT_POINT_NAMES.join(', ')}; syntax name[:n])`);
    const n = m[2] === undefined ? 1 : Number(m[2]);
    if (n < 1) throw new Error(`fault point "${part}": n must be at least 1`);
    out.set(m[1] as FaultPointName, n);
  }
  if (!out.size) throw new Error('ARCGATE_FAULT_POINTS names no fault point');
  return out;
}

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
export function armFaultPoints(
  spec: string | null | undefined,
  kill?: (name: FaultPointName, hit: number) => void,
): void {
  armed = spec ? new FaultPoints(parseFaultPoints(spec), kill) : null;
}

/** A named crash point; does nothing unless armed. */
export function faultPoint(name: FaultPointName): void {
  if (armed !== null) armed.hit(name);
}
