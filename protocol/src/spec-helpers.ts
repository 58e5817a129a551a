import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExamples, exampleKeys, TEST_VECTOR } from './examples';
import { signingBytes } from './envelope';
import { rawPublicKey } from './crypto';
import { makeConnectToken } from './connect-token';
import { canonicalJson } from './canonical';
import { formatChipLabel } from './chip-label';
import { REASON_CODES, REASONS } from './reason-codes';
import { relayClosedIn, TRANSITIONS } from './state-machine';

/** Test-only helpers (not exported from index). */

/** Deep copy with the value at `path` (e.g. ['body','events',0,'seq']) replaced, or removed when value is REMOVE. */
export const REMOVE = Symbol('remove');
export function withChange<T>(source: T, path: (string | number)[], value: unknown): T {
  const copy = structuredClone(source) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return copy as T;
}

/** Every leaf path of a JSON value. */
export function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...prefix, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  return [prefix];
}

/** A different value of the same JSON type. */
export function altered(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') return value.length ? (value[0] === 'A' ? 'B' : 'A') + value.slice(1) : 'A';
  return 'x';
}

// ---- docs/protocol.md fragments: the doc embeds these between <!-- begin:KEY --> and <!-- end:KEY --> ----

const fence = (lang: string, text: string) => '```' + lang + '\n' + text + '\n```';

/** Inputs of the connect-token test vector (docs/protocol.md §3.1): the §2.4 device key, this instant and nonce. */
export const CONNECT_TOKEN_VECTOR = { ts: '2026-03-02T08:00:00.000Z', nonce: 'MDEyMzQ1Njc4OWFiY2RlZg' } as const;

export function renderDocFragments(): Record<string, string> {
  const keys = exampleKeys();
  const ex = buildExamples(keys);
  const out: Record<string, string> = {};
  const { sig, ...unsigned } = ex.armRequest;
  const canonical = signingBytes(ex.armRequest);
  const raw = rawPublicKey(keys.device);
  out.vector = [
    fence(
      'text',
      [
        `device seed (hex)              ${TEST_VECTOR.deviceSeedHex}`,
        `device public key (hex)        ${raw.toString('hex')}`,
        `device public key (base64url)  ${keys.devicePublicKey}`,
        `SHA-256(public key) (hex)      ${createHash('sha256').update(raw).digest('hex')}`,
        `chip id                        ${keys.chip}`,
        `server seed (hex)              ${TEST_VECTOR.serverSeedHex}`,
        `server public key (base64url)  ${keys.serverPublicKey}`,
      ].join('\n'),
    ),
    '',
    'Envelope to sign (any key order, any whitespace):',
    '',
    fence('json', JSON.stringify(unsigned, null, 2)),
    '',
    `Canonical bytes (UTF-8, ${canonical.length} bytes, one line, no trailing newline):`,
    '',
    fence('text', canonical.toString('utf8')),
    '',
    'Signature (Ed25519 over exactly those bytes with the device seed):',
    '',
    fence('text', [`base64url  ${sig}`, `hex        ${Buffer.from(sig, 'base64url').toString('hex')}`].join('\n')),
  ].join('\n');
  const token = makeConnectToken(keys.device, new Date(CONNECT_TOKEN_VECTOR.ts), CONNECT_TOKEN_VECTOR.nonce);
  const [claims, tokenSig] = token.split('.');
  out['token-vector'] = [
    fence(
      'text',
      [
        `device seed (hex)      ${TEST_VECTOR.deviceSeedHex}   (§2.4)`,
        `chip id                ${keys.chip}`,
        `nonce                  ${CONNECT_TOKEN_VECTOR.nonce}   (the 16 bytes "0123456789abcdef")`,
        `ts                     ${CONNECT_TOKEN_VECTOR.ts}`,
      ].join('\n'),
    ),
    '',
    'Claims, canonical JSON (UTF-8, one line):',
    '',
    fence('text', canonicalJson({ chip: keys.chip, nonce: CONNECT_TOKEN_VECTOR.nonce, ts: CONNECT_TOKEN_VECTOR.ts })),
    '',
    'Token parts and the whole token (the MQTT password; client id and username are the chip id):',
    '',
    fence(
      'text',
      [
        `claims (base64url)     ${claims}`,
        `signature (base64url)  ${tokenSig}`,
        `signature (hex)        ${Buffer.from(tokenSig, 'base64url').toString('hex')}`,
        `token                  ${token}`,
      ].join('\n'),
    ),
  ].join('\n');
  out['chip-label'] = fence('text', formatChipLabel(keys.devicePublicKey));
  for (const [name, message] of Object.entries(ex))
    out[`example:${name}`] = fence('json', JSON.stringify(message, null, 2));
  out.reasons = [
    '| code | used in | retryable | zh-CN | en |',
    '| --- | --- | --- | --- | --- |',
    ...REASON_CODES.map((c) => {
      const info = REASONS[c];
      const use =
        c === 'OK'
          ? '—'
          : ({ both: 'denied, revoke', deny: 'denied', revoke: 'revoke', renew: 'cert.denied' } as const)[info.use];
      return `| \`${c}\` | ${use} | ${info.retryable ? 'yes' : 'no'} | ${info.message['zh-CN']} | ${info.message.en} |`;
    }),
  ].join('\n');
  out.transitions = [
    '| from | trigger | to | relay after | condition | why |',
    '| --- | --- | --- | --- | --- | --- |',
    ...TRANSITIONS.map(
      (t) =>
        `| ${t.from.length === 6 ? 'any' : t.from.join(', ')} | \`${t.trigger}\` | ${t.to} | ${relayClosedIn(t.to) ? 'closed' : 'open'} | ${t.guard ?? ''} | ${t.why} |`,
    ),
  ].join('\n');
  return out;
}

/** The fragments found in a markdown text. */
export function readDocFragments(markdown: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of markdown.matchAll(/<!-- begin:([\w:.-]+) -->\n([\s\S]*?)\n<!-- end:\1 -->/g)) found[m[1]] = m[2];
  return found;
}

// ---- SECURITY.md counts: test-artifacts/security/<suite>.json at the repo root ----

export interface SecurityClass {
  class: string;
  tried: number;
  refused: number;
  notes: string;
}

/** Writes one adversarial suite's counts in the format the root `npm run security` renders SECURITY.md from. */
export function writeSecurityArtifact(suite: string, title: string, classes: SecurityClass[], runNote?: string): void {
  const dir = join(__dirname, '..', '..', 'test-artifacts', 'security');
  mkdirSync(dir, { recursive: true });
  const body = { suite, title, ...(runNote ? { run: runNote } : {}), classes };
  writeFileSync(join(dir, `${suite}.json`), `${JSON.stringify(body, null, 2)}\n`);
}
