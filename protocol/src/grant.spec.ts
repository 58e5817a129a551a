import { createEnvelope, signEnvelope } from './envelope';
import { buildExamples, EXAMPLE_NONCE, exampleKeys } from './examples';
import { grantRemainingMs, revokeAppliesTo, verifyGrant, verifyServerMessage } from './grant';
import { ArmGrantBody, ArmGrantMessage } from './messages';
import { withChange } from './spec-helpers';

const keys = exampleKeys();
const ex = buildExamples(keys);
const issued = Date.parse(ex.armGrant.body.issuedAt);
const expires = Date.parse(ex.armGrant.body.expiresAt);
const at = (ms: number) => new Date(ms);
const check = {
  serverPublicKey: keys.serverPublicKey,
  chip: keys.chip,
  expectedNonce: EXAMPLE_NONCE,
  now: at(issued + 1_000),
};

/** A grant with a changed body, correctly signed by the server. */
function grantWith(body: Partial<ArmGrantBody>, chip = keys.chip): ArmGrantMessage {
  const env = createEnvelope(
    'arm.grant',
    { chip, id: ex.armGrant.id, body: { ...ex.armGrant.body, ...body } },
    at(issued),
  );
  return signEnvelope<ArmGrantMessage>(keys.server, env);
}

describe('verifyGrant', () => {
  it('accepts the genuine grant, with or without the expected request id', () => {
    expect(verifyGrant(ex.armGrant, check)).toEqual({ ok: true, grant: ex.armGrant });
    expect(verifyGrant(ex.armGrant, { ...check, expectedRequestId: ex.armRequest.id }).ok).toBe(true);
  });

  it('accepts it after a JSON round trip (what arrives over MQTT)', () => {
    expect(verifyGrant(JSON.parse(JSON.stringify(ex.armGrant)), check).ok).toBe(true);
  });

  it('rejects a grant signed by anyone but the server: bad_signature', () => {
    expect(verifyGrant(signEnvelope(keys.device, ex.armGrant), check)).toMatchObject({
      ok: false,
      failure: 'bad_signature',
    });
  });

  it('rejects any tampering with a signed grant: bad_signature', () => {
    expect(
      verifyGrant(withChange(ex.armGrant, ['body', 'expiresAt'], '2026-03-02T20:00:00.000Z'), check),
    ).toMatchObject({ ok: false, failure: 'bad_signature' });
    expect(verifyGrant(withChange(ex.armGrant, ['body', 'nonce'], 'AAAAAAAAAAAAAAAAAAAAAA'), check)).toMatchObject({
      ok: false,
      failure: 'bad_signature',
    });
  });

  it('rejects a grant for another chip: wrong_chip (envelope or body)', () => {
    expect(verifyGrant(ex.armGrant, { ...check, chip: 'C0000000000000000000A' })).toMatchObject({
      ok: false,
      failure: 'wrong_chip',
    });
    const other = 'C1111111111111111111B';
    expect(verifyGrant(grantWith({ chip: other }, other), check)).toMatchObject({ ok: false, failure: 'wrong_chip' });
  });

  it('rejects a nonce that is not the one the device sent: nonce_mismatch', () => {
    expect(verifyGrant(ex.armGrant, { ...check, expectedNonce: 'Zx9Cv8Bn7Mm6Ll5Kk4Jj3A' })).toMatchObject({
      ok: false,
      failure: 'nonce_mismatch',
    });
  });

  it('rejects an answer to another request: request_mismatch', () => {
    expect(verifyGrant(ex.armGrant, { ...check, expectedRequestId: ex.armRequestPhone.id })).toMatchObject({
      ok: false,
      failure: 'request_mismatch',
    });
  });

  it('expires exactly at expiresAt', () => {
    expect(verifyGrant(ex.armGrant, { ...check, now: at(expires - 1) }).ok).toBe(true);
    expect(verifyGrant(ex.armGrant, { ...check, now: at(expires) })).toMatchObject({ ok: false, failure: 'expired' });
  });

  it('allows the clock skew before notBefore, not more: not_yet_valid', () => {
    expect(verifyGrant(ex.armGrant, { ...check, now: at(issued - 120_000) }).ok).toBe(true);
    expect(verifyGrant(ex.armGrant, { ...check, now: at(issued - 120_001) })).toMatchObject({
      ok: false,
      failure: 'not_yet_valid',
    });
  });

  it('rejects a lifetime above 8 h: lifetime_too_long', () => {
    const eightHours = new Date(issued + 8 * 3_600_000).toISOString();
    expect(verifyGrant(grantWith({ expiresAt: eightHours }), check).ok).toBe(true);
    const tooLong = new Date(issued + 8 * 3_600_000 + 1).toISOString();
    expect(verifyGrant(grantWith({ expiresAt: tooLong }), check)).toMatchObject({
      ok: false,
      failure: 'lifetime_too_long',
    });
  });

  it('rejects other message types and garbage', () => {
    expect(verifyGrant(ex.armDenied, check)).toMatchObject({ ok: false, failure: 'wrong_type' });
    expect(verifyGrant('{}', check)).toMatchObject({ ok: false, failure: 'malformed' });
    expect(verifyGrant({ ...ex.armGrant, v: 2 }, check)).toMatchObject({ ok: false, failure: 'malformed' });
    const unsigned = grantWith({ notBefore: ex.armGrant.body.expiresAt });
    expect(verifyGrant(unsigned, check)).toMatchObject({ ok: false, failure: 'malformed' });
  });

  it('reports the remaining lifetime', () => {
    expect(grantRemainingMs(ex.armGrant, at(expires - 5_000))).toBe(5_000);
    expect(grantRemainingMs(ex.armGrant, at(expires + 5_000))).toBe(0);
  });
});

describe('verifyServerMessage', () => {
  const opts = { serverPublicKey: keys.serverPublicKey, chip: keys.chip };

  it('accepts fresh server messages of the expected type', () => {
    expect(verifyServerMessage(ex.eventsAck, { ...opts, type: 'events.ack', now: new Date(ex.eventsAck.ts) }).ok).toBe(
      true,
    );
    expect(verifyServerMessage(ex.grantPush, { ...opts, type: 'grant.push', now: new Date(ex.grantPush.ts) }).ok).toBe(
      true,
    );
  });

  it('rejects stale acks and configs but honours a revoke whenever it verifies', () => {
    const late = (ts: string) => new Date(Date.parse(ts) + 120_001);
    expect(
      verifyServerMessage(ex.eventsAck, { ...opts, type: 'events.ack', now: late(ex.eventsAck.ts) }),
    ).toMatchObject({ ok: false, failure: 'expired' });
    expect(verifyServerMessage(ex.config, { ...opts, type: 'config', now: late(ex.config.ts) })).toMatchObject({
      ok: false,
      failure: 'expired',
    });
    expect(
      verifyServerMessage(ex.grantRevoke, { ...opts, type: 'grant.revoke', now: late(ex.grantRevoke.ts) }).ok,
    ).toBe(true);
  });

  it('rejects a forged ack (which would make the device drop its journal)', () => {
    const forged = signEnvelope(keys.device, { ...ex.eventsAck, body: { ...ex.eventsAck.body, upToSeq: 10_000 } });
    expect(verifyServerMessage(forged, { ...opts, type: 'events.ack', now: new Date(ex.eventsAck.ts) })).toMatchObject({
      ok: false,
      failure: 'bad_signature',
    });
  });

  it('rejects a revoke addressed to another chip', () => {
    const other = signEnvelope(keys.server, { ...ex.grantRevoke, chip: 'C0000000000000000000A' });
    expect(verifyServerMessage(other, { ...opts, type: 'grant.revoke', now: new Date() })).toMatchObject({
      ok: false,
      failure: 'wrong_chip',
    });
  });
});

describe('revokeAppliesTo', () => {
  const revokeAll = (ts: number) =>
    signEnvelope(
      keys.server,
      createEnvelope(
        'grant.revoke',
        { chip: keys.chip, body: { reason: ex.grantRevoke.body.reason, message: ex.grantRevoke.body.message } },
        at(ts),
      ),
    );

  it('applies a revoke naming the held grant, not one naming another grant', () => {
    expect(revokeAppliesTo(ex.grantRevoke, ex.armGrant)).toBe(true);
    expect(revokeAppliesTo(withChange(ex.grantRevoke, ['body', 'grantId'], 'other-grant'), ex.armGrant)).toBe(false);
    expect(revokeAppliesTo(ex.grantRevoke, null)).toBe(false);
  });

  it('applies a revoke-all unless it predates the grant by more than the skew', () => {
    expect(revokeAppliesTo(revokeAll(issued + 60_000), ex.armGrant)).toBe(true);
    expect(revokeAppliesTo(revokeAll(issued - 120_000), ex.armGrant)).toBe(true);
    expect(revokeAppliesTo(revokeAll(issued - 120_001), ex.armGrant)).toBe(false);
  });
});

describe('verifyServerMessage for answers', () => {
  const opts = { serverPublicKey: keys.serverPublicKey, chip: keys.chip };

  it('binds a denial to the request by requestId and accepts an old ts, so the device can correct its clock', () => {
    const deviceClockOff = new Date(Date.parse(ex.armDenied.ts) + 3_600_000);
    expect(
      verifyServerMessage(ex.armDenied, {
        ...opts,
        type: 'arm.denied',
        now: deviceClockOff,
        expectedRequestId: ex.armRequest.id,
      }).ok,
    ).toBe(true);
    expect(
      verifyServerMessage(ex.armDenied, {
        ...opts,
        type: 'arm.denied',
        now: deviceClockOff,
        expectedRequestId: ex.armRequestPhone.id,
      }),
    ).toMatchObject({ ok: false, failure: 'request_mismatch' });
  });

  it('checks the requestId of an events.ack', () => {
    const now = new Date(ex.eventsAck.ts);
    expect(
      verifyServerMessage(ex.eventsAck, { ...opts, type: 'events.ack', now, expectedRequestId: ex.events.id }).ok,
    ).toBe(true);
    expect(
      verifyServerMessage(ex.eventsAck, { ...opts, type: 'events.ack', now, expectedRequestId: ex.armRequest.id }),
    ).toMatchObject({ ok: false, failure: 'request_mismatch' });
  });
});
