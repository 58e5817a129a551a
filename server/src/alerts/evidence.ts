import { escapeUnstorable } from '../common/text/storable-text';
import { maskIdNumber, maskPhone } from '../common/validation/identifiers';

const ID_NUMBER = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g;
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const SECRET_KEY = /password|secret|token|private.?key/i;
const MAX_DEPTH = 8;

function maskString(s: string): string {
  // A hostile device's text (NUL, lone surrogates) must not stop the alert about it from being stored.
  return escapeUnstorable(s)
    .replace(ID_NUMBER, (m) => maskIdNumber(m.toUpperCase()))
    .replace(MOBILE, (m) => maskPhone(m));
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    out[escapeUnstorable(k)] = SECRET_KEY.test(k) ? '[redacted]' : clean(v, depth + 1);
  }
  return out;
}

/**
 * Evidence is shown to enterprises and every regulator of the subtree, so it must never carry plain
 * personal data. Callers should pass masked values already; this is the backstop: anything shaped
 * like an ID number or a mobile number is masked, and secrets are dropped.
 */
export function sanitizeEvidence(evidence: Record<string, unknown>): Record<string, unknown> {
  return clean(evidence, 0) as Record<string, unknown>;
}
