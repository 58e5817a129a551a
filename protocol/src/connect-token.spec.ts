import { chipIdFromPublicKey, generateChipKeyPair, toBase64Url } from './crypto';
import { connectTokenUsableUntil, makeConnectToken, verifyConnectToken } from './connect-token';

const pair = generateChipKeyPair();
const t0 = new Date('2026-03-02T08:00:00.000Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);
const token = makeConnectToken(pair.privateKey, t0, 'MDEyMzQ1Njc4OWFiY2RlZg');

describe('connect token', () => {
  it('has the shape <base64url claims>.<base64url sig> and verifies', () => {
    const [head, sig] = token.split('.');
    expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toEqual({
      chip: pair.chip,
      nonce: 'MDEyMzQ1Njc4OWFiY2RlZg',
      ts: t0.toISOString(),
    });
    expect(sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyConnectToken(token, pair.publicKeyRaw, t0)).toEqual({
      ok: true,
      claims: { chip: pair.chip, ts: t0.toISOString(), nonce: 'MDEyMzQ1Njc4OWFiY2RlZg' },
    });
  });

  it('is valid up to exactly ±5 minutes, not one millisecond more', () => {
    expect(verifyConnectToken(token, pair.publicKey, plus(300_000)).ok).toBe(true);
    expect(verifyConnectToken(token, pair.publicKey, plus(-300_000)).ok).toBe(true);
    expect(verifyConnectToken(token, pair.publicKey, plus(300_001))).toEqual({ ok: false, failure: 'expired' });
    expect(verifyConnectToken(token, pair.publicKey, plus(-300_001))).toEqual({ ok: false, failure: 'not_yet_valid' });
  });

  it('checks the MQTT username when given', () => {
    expect(verifyConnectToken(token, pair.publicKey, t0, { username: pair.chip }).ok).toBe(true);
    expect(verifyConnectToken(token, pair.publicKey, t0, { username: 'C0000000000000000000A' })).toEqual({
      ok: false,
      failure: 'wrong_chip',
    });
  });

  it('rejects a token verified against another chip key', () => {
    expect(verifyConnectToken(token, generateChipKeyPair().publicKey, t0)).toEqual({
      ok: false,
      failure: 'bad_signature',
    });
  });

  it('rejects claims naming another chip even when signed by this key', () => {
    const other = generateChipKeyPair();
    const head = toBase64Url(
      Buffer.from(
        JSON.stringify({
          chip: chipIdFromPublicKey(other.publicKey),
          nonce: 'MDEyMzQ1Njc4OWFiY2RlZg',
          ts: t0.toISOString(),
        }),
      ),
    );
    const { signBytes } = jest.requireActual<typeof import('./crypto')>('./crypto');
    const forged = `${head}.${signBytes(pair.privateKey, Buffer.from(head, 'ascii'))}`;
    expect(verifyConnectToken(forged, pair.publicKey, t0)).toEqual({ ok: false, failure: 'wrong_chip' });
  });

  it('rejects a changed claim (bad_signature) and malformed tokens', () => {
    const [, sig] = token.split('.');
    const moved = toBase64Url(
      Buffer.from(
        JSON.stringify({ chip: pair.chip, nonce: 'MDEyMzQ1Njc4OWFiY2RlZg', ts: plus(3_600_000).toISOString() }),
      ),
    );
    expect(verifyConnectToken(`${moved}.${sig}`, pair.publicKey, plus(3_600_000))).toEqual({
      ok: false,
      failure: 'bad_signature',
    });
    for (const bad of [
      '',
      'a.b.c',
      'no-dot',
      `${token}x`.replace('.', '..'),
      'e30.' + sig,
      42,
      null,
      'x'.repeat(600),
    ]) {
      expect(verifyConnectToken(bad, pair.publicKey, t0)).toEqual({
        ok: false,
        failure: expect.stringMatching(/malformed|bad_signature/),
      });
    }
    expect(verifyConnectToken('e30.' + sig, pair.publicKey, t0)).toEqual({ ok: false, failure: 'malformed' });
  });

  it('generates a different nonce per token by default', () => {
    expect(makeConnectToken(pair.privateKey, t0)).not.toBe(makeConnectToken(pair.privateKey, t0));
  });
});

describe('connect token nonce', () => {
  it('needs at least 16 random bytes', () => {
    const short = makeConnectToken(pair.privateKey, t0, toBase64Url(Buffer.alloc(15, 7)));
    expect(verifyConnectToken(short, pair.publicKey, t0)).toEqual({ ok: false, failure: 'malformed' });
    const enough = makeConnectToken(pair.privateKey, t0, toBase64Url(Buffer.alloc(16, 7)));
    expect(verifyConnectToken(enough, pair.publicKey, t0).ok).toBe(true);
  });
});

describe('connect token lifetime', () => {
  it('is remembered until the last instant it verifies, and not a millisecond longer', () => {
    const claims = { chip: pair.chip, ts: t0.toISOString(), nonce: 'MDEyMzQ1Njc4OWFiY2RlZg' };
    const until = connectTokenUsableUntil(claims);
    expect(until.toISOString()).toBe('2026-03-02T08:05:00.000Z');
    expect(verifyConnectToken(token, pair.publicKey, until).ok).toBe(true);
    expect(verifyConnectToken(token, pair.publicKey, new Date(until.getTime() + 1)).ok).toBe(false);
  });
});
