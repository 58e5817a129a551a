import { canonicalJson } from './canonical';
import { signBytes, verifyBytes } from './crypto';
import { createEnvelope, openDeviceMessage, signEnvelope, signingBytes, verifyEnvelope } from './envelope';
import { buildExamples, exampleKeys } from './examples';
import { ReasonCode } from './reason-codes';
import { altered, leafPaths, REMOVE, withChange } from './spec-helpers';

const keys = exampleKeys();
const ex = buildExamples(keys);
const now = new Date(ex.armRequest.ts);

describe('signEnvelope / verifyEnvelope', () => {
  it('round-trips and signs the canonical JSON without sig', () => {
    const env = createEnvelope('arm.request', { chip: keys.chip, seq: 7, body: ex.armRequest.body }, now);
    const signed = signEnvelope(keys.device, env);
    expect(signed.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(signed.ts).toBe(now.toISOString());
    expect(verifyEnvelope(keys.devicePublicKey, signed)).toBe(true);
    expect(signingBytes(signed).toString('utf8')).toBe(canonicalJson(env));
    expect(verifyBytes(keys.devicePublicKey, Buffer.from(canonicalJson(env)), signed.sig)).toBe(true);
  });

  it('verifies whatever the key order of the received JSON', () => {
    const reordered = JSON.parse(
      JSON.stringify(
        ex.armRequest,
        Object.keys(ex.armRequest).reverse().concat(leafPaths(ex.armRequest).flat().map(String)),
      ),
    );
    expect(Object.keys(reordered)[0]).toBe('sig');
    expect(verifyEnvelope(keys.devicePublicKey, reordered)).toBe(true);
  });

  it('re-signing replaces an existing sig', () => {
    const again = signEnvelope(keys.device, ex.armRequest);
    expect(again.sig).toBe(ex.armRequest.sig);
  });

  it('fails for the wrong key', () => {
    expect(verifyEnvelope(keys.serverPublicKey, ex.armRequest)).toBe(false);
  });

  it.each(Object.keys(ex).filter((k) => k !== 'statusOffline'))(
    'fails when any field of %s is altered, added or removed',
    (name) => {
      const msg = ex[name as keyof typeof ex];
      const key = ['statusOnline', 'armRequest', 'armRequestPhone', 'events', 'certRenew'].includes(name)
        ? keys.devicePublicKey
        : keys.serverPublicKey;
      expect(verifyEnvelope(key, msg)).toBe(true);
      for (const path of leafPaths(msg).filter((p) => p[0] !== 'sig')) {
        const value = path.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], msg);
        expect({ path, ok: verifyEnvelope(key, withChange(msg, path, altered(value))) }).toEqual({ path, ok: false });
        expect({ path, ok: verifyEnvelope(key, withChange(msg, path, REMOVE)) }).toEqual({ path, ok: false });
      }
      expect(verifyEnvelope(key, withChange(msg, ['body', 'extra'], 1))).toBe(false);
    },
  );

  it('fails when any byte of the signed bytes or of the signature is altered', () => {
    const bytes = signingBytes(ex.armRequest);
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] ^= 0x01;
      expect(verifyBytes(keys.devicePublicKey, copy, ex.armRequest.sig)).toBe(false);
    }
    const sig = Buffer.from(ex.armRequest.sig, 'base64url');
    for (let i = 0; i < sig.length; i++) {
      const copy = Buffer.from(sig);
      copy[i] ^= 0x80;
      expect(verifyEnvelope(keys.devicePublicKey, { ...ex.armRequest, sig: copy.toString('base64url') })).toBe(false);
    }
  });

  it('returns false for non-objects, missing sig and unsignable content', () => {
    expect(verifyEnvelope(keys.devicePublicKey, null)).toBe(false);
    expect(verifyEnvelope(keys.devicePublicKey, 'x')).toBe(false);
    expect(verifyEnvelope(keys.devicePublicKey, { ...ex.armRequest, sig: undefined })).toBe(false);
    expect(verifyEnvelope(keys.devicePublicKey, { ...ex.armRequest, body: { bad: '\uD800' } })).toBe(false);
  });
});

describe('openDeviceMessage', () => {
  const base = { chip: keys.chip, type: 'arm.request' as const, publicKey: keys.devicePublicKey, now };
  const payload = (m: unknown) => JSON.stringify(m);

  it('accepts a genuine fresh message', () => {
    const res = openDeviceMessage(payload(ex.armRequest), base);
    expect(res).toEqual({ ok: true, message: ex.armRequest });
  });

  it('accepts Buffer payloads and the unsigned offline status', () => {
    expect(openDeviceMessage(Buffer.from(payload(ex.armRequest)), base).ok).toBe(true);
    expect(openDeviceMessage(payload(ex.statusOffline), { ...base, type: 'status' })).toEqual({
      ok: true,
      message: ex.statusOffline,
    });
  });

  it('rejects an offline status for another chip', () => {
    const res = openDeviceMessage(payload({ ...ex.statusOffline, chip: 'C0000000000000000000A' }), {
      ...base,
      type: 'status',
    });
    expect(res).toMatchObject({ ok: false, reason: ReasonCode.MALFORMED });
  });

  it('rejects a forged message silently (BAD_SIGNATURE, not answerable)', () => {
    const forged = signEnvelope(keys.server, { ...ex.armRequest });
    expect(openDeviceMessage(payload(forged), base)).toMatchObject({
      ok: false,
      reason: ReasonCode.BAD_SIGNATURE,
      answerable: false,
    });
  });

  it('rejects oversize, non-JSON and header problems as MALFORMED, not answerable', () => {
    expect(openDeviceMessage('x'.repeat(16 * 1024 + 1), base)).toMatchObject({
      ok: false,
      reason: ReasonCode.MALFORMED,
      answerable: false,
      problems: [{ code: 'tooLarge' }],
    });
    expect(openDeviceMessage('{', base)).toMatchObject({
      ok: false,
      reason: ReasonCode.MALFORMED,
      problems: [{ code: 'json' }],
    });
    expect(openDeviceMessage(Buffer.from([0xff, 0xfe]), base)).toMatchObject({
      ok: false,
      problems: [{ code: 'json' }],
    });
    expect(openDeviceMessage(payload({ ...ex.armRequest, v: 2 }), base)).toMatchObject({
      ok: false,
      reason: ReasonCode.MALFORMED,
      problems: [{ path: '$.v', code: 'version' }],
    });
  });

  it('rejects a chip or type that differs from the topic', () => {
    expect(openDeviceMessage(payload(ex.armRequest), { ...base, chip: 'C0000000000000000000A' })).toMatchObject({
      ok: false,
      reason: ReasonCode.MALFORMED,
      problems: [{ path: '$.chip' }],
    });
    expect(openDeviceMessage(payload(ex.armRequest), { ...base, type: 'events' })).toMatchObject({
      ok: false,
      problems: [{ path: '$.type' }],
    });
  });

  it('answers a signed but malformed body with MALFORMED and the request id', () => {
    const bad = signEnvelope(keys.device, withChange(ex.armRequest, ['body', 'machineKind'], 'laser'));
    expect(openDeviceMessage(payload(bad), base)).toMatchObject({
      ok: false,
      reason: ReasonCode.MALFORMED,
      answerable: true,
      messageId: ex.armRequest.id,
      problems: [{ path: '$.body.machineKind', code: 'enum' }],
    });
  });

  it('rejects a stale or future ts as REQUEST_EXPIRED, at exactly the skew boundary still fresh', () => {
    const at = (ms: number) => new Date(now.getTime() + ms);
    expect(openDeviceMessage(payload(ex.armRequest), { ...base, now: at(120_000) }).ok).toBe(true);
    expect(openDeviceMessage(payload(ex.armRequest), { ...base, now: at(-120_000) }).ok).toBe(true);
    expect(openDeviceMessage(payload(ex.armRequest), { ...base, now: at(120_001) })).toMatchObject({
      ok: false,
      reason: ReasonCode.REQUEST_EXPIRED,
      answerable: true,
    });
    expect(openDeviceMessage(payload(ex.armRequest), { ...base, now: at(-120_001) })).toMatchObject({
      ok: false,
      reason: ReasonCode.REQUEST_EXPIRED,
    });
    expect(openDeviceMessage(payload(ex.armRequest), { ...base, now: at(3_600_000), checkFreshness: false }).ok).toBe(
      true,
    );
  });

  it('uses signBytes over exactly signingBytes', () => {
    expect(signBytes(keys.device, signingBytes(ex.armRequest))).toBe(ex.armRequest.sig);
  });
});
