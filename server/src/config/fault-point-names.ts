/** The fault points (common/fault/fault-points.ts) and the syntax of ARCGATE_FAULT_POINTS; here so that config validates it without reaching up. */
export const FAULT_POINT_NAMES = ['decision.after-claim', 'decision.after-store', 'ingest.mid-flush', 'ingest.before-ack'] as const;
export type FaultPointName = (typeof FAULT_POINT_NAMES)[number];

/** "name[:n],name[:n]" → trigger on the n-th hit of each (default 1). Throws on anything else. */
export function parseFaultPoints(spec: string): Map<FaultPointName, number> {
  const out = new Map<FaultPointName, number>();
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z.-]+)(?::(\d{1,9}))?$/.exec(part);
    if (!m || !(FAULT_POINT_NAMES as readonly string[]).includes(m[1])) throw new Error(`unknown fault point "${part}" (known: ${FAULT_POINT_NAMES.join(', ')}; syntax name[:n])`);
    const n = m[2] === undefined ? 1 : Number(m[2]);
    if (n < 1) throw new Error(`fault point "${part}": n must be at least 1`);
    out.set(m[1] as FaultPointName, n);
  }
  if (!out.size) throw new Error('ARCGATE_FAULT_POINTS names no fault point');
  return out;
}
