import { createHash, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from './canonical';
import * as constants from './constants';
import { chipIdFromPublicKey, privateKeyFromSeed, publicKeyFromRaw, publicKeyToBase64Url } from './crypto';
import { verifyEnvelope } from './envelope';
import { readDocFragments, renderDocFragments } from './spec-helpers';
import { validateMessage } from './validate';

const DOC = readFileSync(join(__dirname, '../../docs/protocol.md'), 'utf8');
const fragments = readDocFragments(DOC);
const expected = renderDocFragments();
const line = (label: string) => new RegExp(`^${label.replace(/[()]/g, '\\$&')}\\s+(\\S+)$`, 'm').exec(fragments.vector ?? '')?.[1] ?? '';

describe('docs/protocol.md', () => {
  it.each(Object.keys(expected))('embeds the current %s', (key) => {
    expect(fragments[key]).toBe(expected[key]);
  });

  it('has a test vector that verifies with nothing but node:crypto', () => {
    const seed = line('device seed (hex)');
    const key = privateKeyFromSeed(seed);
    expect(publicKeyToBase64Url(key)).toBe(line('device public key (base64url)'));
    expect(createHash('sha256').update(Buffer.from(line('device public key (hex)'), 'hex')).digest('hex')).toBe(line('SHA-256(public key) (hex)'));
    expect(chipIdFromPublicKey(key)).toBe(line('chip id'));
    const blocks = [...fragments.vector.matchAll(/```(\w+)\n([\s\S]*?)\n```/g)];
    const unsigned = JSON.parse(blocks.find((b) => b[1] === 'json')![2]);
    const canonicalText = blocks[2][2];
    expect(canonicalJson(unsigned)).toBe(canonicalText);
    const sig = Buffer.from(line('hex'), 'hex');
    expect(Buffer.from(line('base64url'), 'base64url').equals(sig)).toBe(true);
    expect(verify(null, Buffer.from(canonicalText, 'utf8'), publicKeyFromRaw(line('device public key (base64url)')), sig)).toBe(true);
    expect(verify(null, Buffer.from(canonicalText.replace('"seq":41', '"seq":42'), 'utf8'), publicKeyFromRaw(line('device public key (base64url)')), sig)).toBe(false);
  });

  it('prints only messages that validate and verify with the test-vector keys', () => {
    const devicePub = line('device public key (base64url)');
    const serverPub = line('server public key (base64url)');
    const messages = [...DOC.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1])).filter((m) => 'body' in m && 'sig' in m);
    expect(messages.length).toBeGreaterThanOrEqual(10);
    for (const m of messages) {
      expect(validateMessage(m)).toEqual([]);
      const key = ['status', 'arm.request', 'events'].includes(m.type) ? devicePub : serverPub;
      expect({ id: m.id, verified: verifyEnvelope(key, m) }).toEqual({ id: m.id, verified: true });
    }
  });

  it('states every timing constant with its current value', () => {
    const rows = [...DOC.matchAll(/^\| `([A-Z_]+)` \| ([\d.]+) \|/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(30);
    for (const [, name, value] of rows) expect({ name, value: Number(value) }).toEqual({ name, value: (constants as Record<string, unknown>)[name] });
  });

  it('shows one example of every message type', () => {
    for (const type of ['status', 'arm.request', 'arm.grant', 'arm.denied', 'grant.revoke', 'grant.push', 'events', 'events.ack', 'config']) {
      expect(DOC).toContain(`"type": "${type}"`);
    }
  });
});
