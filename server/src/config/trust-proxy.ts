import { isIP } from 'node:net';

/** Express's "trust proxy" setting: whether and which reverse proxies' X-Forwarded-For to believe. */
export type TrustProxy = boolean | number | string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const MAX_HOPS = 10;

export const TRUST_PROXY_HINT = `true, false, a hop count from 1 to ${MAX_HOPS}, or a comma-separated list of IP addresses, CIDR ranges, loopback, linklocal, uniquelocal`;

/**
 * Parses TRUST_PROXY; null when invalid. Checked here rather than left to Express, which would
 * throw at start-up on a bad address with a message that does not name the variable.
 */
export function parseTrustProxy(raw: string): TrustProxy | null {
  const value = raw.trim();
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= MAX_HOPS ? hops : null;
  }
  const entries = value.split(',').map((e) => e.trim());
  return entries.length > 0 && entries.every(isTrustedEntry) ? entries : null;
}

function isTrustedEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}
