import { createHash, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from './canonical';
import * as constants from './constants';
import { chipIdFromPublicKey, privateKeyFromSeed, publicKeyFromRaw, publicKeyToBase64Url } from './crypto';
import { verifyEnvelope } from './envelope';
import { verifyConnectToken } from './connect-token';
import { extractWelderCode } from './identity-code';
import { buildExamples } from './examples';
import { readDocFragments, renderDocFragments } from './spec-helpers';
import { validateMessage } from './validate';

const DOC = readFileSync(join(__dirname, '../../docs/protocol.md'), 'utf8');
const fragments = readDocFragments(DOC);
const expected = renderDocFragments();
const line = (label: string) =>
  new RegExp(`^${label.replace(/[()]/g, '\\$&')}\\s+(\\S+)$`, 'm').exec(fragments.vector ?? '')?.[1] ?? '';

describe('docs/protocol.md', () => {
  it.each(Object.keys(expected))('embeds the current %s', (key) => {
    expect(fragments[key]).toBe(expected[key]);
  });

  it('has a test vector that verifies with nothing but node:crypto', () => {
    const seed = line('device seed (hex)');
    const key = privateKeyFromSeed(seed);
    expect(publicKeyToBase64Url(key)).toBe(line('device public key (base64url)'));
    expect(
      createHash('sha256')
        .update(Buffer.from(line('device public key (hex)'), 'hex'))
        .digest('hex'),
    ).toBe(line('SHA-256(public key) (hex)'));
    expect(chipIdFromPublicKey(key)).toBe(line('chip id'));
    const blocks = [...fragments.vector.matchAll(/```(\w+)\n([\s\S]*?)\n```/g)];
    const unsigned = JSON.parse(blocks.find((b) => b[1] === 'json')![2]);
    const canonicalText = blocks[2][2];
    expect(canonicalJson(unsigned)).toBe(canonicalText);
    const sig = Buffer.from(line('hex'), 'hex');
    expect(Buffer.from(line('base64url'), 'base64url').equals(sig)).toBe(true);
    expect(
      verify(null, Buffer.from(canonicalText, 'utf8'), publicKeyFromRaw(line('device public key (base64url)')), sig),
    ).toBe(true);
    expect(
      verify(
        null,
        Buffer.from(canonicalText.replace('"seq":41', '"seq":42'), 'utf8'),
        publicKeyFromRaw(line('device public key (base64url)')),
        sig,
      ),
    ).toBe(false);
  });

  it('has a connect-token vector that verifies with nothing but node:crypto, and with the real code only once the claims are right', () => {
    const tv = fragments['token-vector'] ?? '';
    const field = (label: string) =>
      new RegExp(`^${label.replace(/[()]/g, '\\$&')}\\s+(\\S+)`, 'm').exec(tv)?.[1] ?? '';
    const token = field('token');
    const [claims, sig] = token.split('.');
    expect(claims).toBe(field('claims (base64url)'));
    expect(sig).toBe(field('signature (base64url)'));
    expect(Buffer.from(sig, 'base64url').toString('hex')).toBe(field('signature (hex)'));
    const canonicalClaims = [...tv.matchAll(/```text\n([\s\S]*?)\n```/g)][1][1];
    expect(Buffer.from(claims, 'base64url').toString('utf8')).toBe(canonicalClaims);
    expect(JSON.parse(canonicalClaims)).toEqual({ chip: field('chip id'), nonce: field('nonce'), ts: field('ts') });
    expect(field('chip id')).toBe(line('chip id'));
    const devicePub = publicKeyFromRaw(line('device public key (base64url)'));
    expect(verify(null, Buffer.from(claims, 'ascii'), devicePub, Buffer.from(sig, 'base64url'))).toBe(true);
    const at = new Date(field('ts'));
    expect(verifyConnectToken(token, devicePub, at, { username: line('chip id') })).toEqual({
      ok: true,
      claims: JSON.parse(canonicalClaims),
    });
    expect(verifyConnectToken(token, devicePub, new Date(at.getTime() + 5 * 60_000 + 1))).toEqual({
      ok: false,
      failure: 'expired',
    });
  });

  it('states the welder-code case rule the code follows: upper case on the wire, any case when scanned', () => {
    expect(DOC).toMatch(/welder code is case-sensitive on the wire/i);
    const request = buildExamples().armRequest;
    const code = (request.body as { credential: { code: string } }).credential.code;
    expect(validateMessage(request)).toEqual([]);
    const lower = {
      ...request,
      body: { ...request.body, credential: { kind: 'welder_code', code: code.toLowerCase() } },
    };
    expect(validateMessage(lower).map((p) => p.path)).toContain('$.body.credential.code');
    expect(extractWelderCode(code.toLowerCase())).toBe(code);
    expect(extractWelderCode(`https://arcgate.example.cn/q/${code.toLowerCase()}`)).toBe(code);
  });

  it('prints only messages that validate and verify with the test-vector keys', () => {
    const devicePub = line('device public key (base64url)');
    const serverPub = line('server public key (base64url)');
    const messages = [...DOC.matchAll(/```json\n([\s\S]*?)\n```/g)]
      .map((m) => JSON.parse(m[1]))
      .filter((m) => 'body' in m && 'sig' in m);
    expect(messages.length).toBeGreaterThanOrEqual(10);
    for (const m of messages) {
      expect(validateMessage(m)).toEqual([]);
      const key = ['status', 'arm.request', 'events', 'cert.renew'].includes(m.type) ? devicePub : serverPub;
      expect({ id: m.id, verified: verifyEnvelope(key, m) }).toEqual({ id: m.id, verified: true });
    }
  });

  it('states every timing constant with its current value', () => {
    const rows = [...DOC.matchAll(/^\| `([A-Z_]+)` \| ([\d.]+) \|/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(30);
    for (const [, name, value] of rows)
      expect({ name, value: Number(value) }).toEqual({ name, value: (constants as Record<string, unknown>)[name] });
  });

  it('shows one example of every message type', () => {
    for (const type of [
      'status',
      'arm.request',
      'arm.grant',
      'arm.denied',
      'grant.revoke',
      'grant.push',
      'events',
      'events.ack',
      'config',
      'cert.renew',
      'cert.issued',
      'cert.denied',
    ]) {
      expect(DOC).toContain(`"type": "${type}"`);
    }
  });
});
