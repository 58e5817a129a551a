import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { CertDeniedMessage, ReasonCode, certDeniedBody } from '@arcgate/protocol';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { webcrypto, X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertRenewer, certificateProblem, chooseCertificate, renewedCertFile, RenewalLink } from './cert-renewal';
import { FakeClock } from './clock';
import { ChipIdentity, loadOrCreateChipKey } from './keys';
import type { CertAnswer } from './link';
import { silentLogger } from './logger';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const ED = { name: 'Ed25519' } as const;
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const DAY = 86_400_000;

interface Ca {
  pem: string;
  cert: x509.X509Certificate;
  key: webcrypto.CryptoKey;
}

async function makeCa(name: string): Promise<Ca> {
  const keys = (await webcrypto.subtle.generateKey(ED, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name}`,
    notBefore: new Date(T0 - 365 * DAY),
    notAfter: new Date(T0 + 3650 * DAY),
    keys,
    signingAlgorithm: ED,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  return { pem: cert.toString('pem'), cert, key: keys.privateKey };
}

let serials = 0x10;
async function leaf(ca: Ca, o: { cn: string; rawKey: string; from: number; to: number }): Promise<string> {
  const publicKey = await webcrypto.subtle.importKey('raw', Buffer.from(o.rawKey, 'base64url'), ED, true, ['verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serials++).toString(16).padStart(32, '1'),
    subject: `CN=${o.cn}`,
    issuer: ca.cert.subject,
    notBefore: new Date(o.from),
    notAfter: new Date(o.to),
    publicKey,
    signingKey: ca.key,
    signingAlgorithm: ED,
  });
  return cert.toString('pem');
}

class FakeLink implements RenewalLink {
  online = true;
  requests: { requestId: string; body: unknown }[] = [];
  installed: string[] = [];
  answer: (requestId: string) => CertAnswer = () => ({ kind: 'timeout' });
  requestCertificate(requestId: string, body: unknown): Promise<CertAnswer> {
    this.requests.push({ requestId, body });
    return Promise.resolve(this.answer(requestId));
  }
  useClientCertificate(certPem: string): void {
    this.installed.push(certPem);
  }
}

const issued = (requestId: string, pem: string, serial = 'ab'): CertAnswer => ({
  kind: 'issued',
  message: {
    v: 1,
    type: 'cert.issued',
    id: 'issuedMessageId000000A',
    chip: 'C',
    ts: new Date(T0).toISOString(),
    sig: '',
    body: { requestId, serial, supersedes: 'cd', notBefore: '', notAfter: '', certificatePem: pem },
  },
});

describe('certificate renewal in the agent (docs/protocol.md §3.4)', () => {
  let dir: string;
  let identity: ChipIdentity;
  let ca: Ca;
  let clock: FakeClock;
  let link: FakeLink;
  let rejected: string[];

  beforeAll(async () => {
    ca = await makeCa('device CA');
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'arcgate-renew-'));
    identity = loadOrCreateChipKey(join(dir, 'keys'));
    clock = new FakeClock(T0);
    link = new FakeLink();
    rejected = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const renewer = (certPem: string, over: { beforeS?: number; fraction?: number } = {}) =>
    new CertRenewer({
      link,
      identity,
      caPem: ca.pem,
      certPem,
      dataDir: dir,
      clock,
      log: silentLogger,
      renewBeforeS: over.beforeS ?? 30 * 86400,
      renewFraction: over.fraction ?? 1 / 3,
      onRejected: (id) => rejected.push(id),
    });
  const mine = (from: number, to: number, signer = ca, cn?: string, rawKey?: string) =>
    leaf(signer, { cn: cn ?? identity.chip, rawKey: rawKey ?? identity.publicKey, from, to });

  it('is due at min(renewBefore, fraction × validity) before the end, and asks only when due and online', async () => {
    const twoYears = await mine(T0, T0 + 730 * DAY);
    expect(renewer(twoYears).dueAt()).toBe(T0 + 700 * DAY);
    const ninetyDays = await mine(T0, T0 + 90 * DAY);
    expect(renewer(ninetyDays).dueAt()).toBe(T0 + 60 * DAY);

    const r = renewer(twoYears);
    clock.set(T0 + 699 * DAY);
    await r.check();
    expect(link.requests).toHaveLength(0);
    clock.set(T0 + 700 * DAY);
    link.online = false;
    await r.check();
    expect(link.requests).toHaveLength(0);
    link.online = true;
    await r.check();
    expect(link.requests).toEqual([
      { requestId: expect.any(String), body: { serial: r.serial, publicKey: identity.publicKey } },
    ]);
  });

  it('stores a good certificate atomically and reconnects with it; the next start prefers it', async () => {
    const old = await mine(T0 - 700 * DAY, T0 + 30 * DAY);
    const next = await mine(T0, T0 + 730 * DAY);
    link.answer = (id) => issued(id, next);
    const r = renewer(old);
    await r.check();
    expect(link.installed).toEqual([next]);
    expect(readFileSync(renewedCertFile(dir), 'utf8')).toBe(next);
    expect(existsSync(`${renewedCertFile(dir)}.tmp`)).toBe(false);
    expect(r.serial).toBe(new x509.X509Certificate(next).serialNumber.toLowerCase());
    // Not due any more.
    await r.check();
    expect(link.requests).toHaveLength(1);
    expect(chooseCertificate(old, dir, { identity, caPem: ca.pem, now: T0, log: silentLogger })).toBe(next);
  });

  it('refuses a certificate for another chip, another key, another CA, or one that does not end later', async () => {
    const old = await mine(T0 - 700 * DAY, T0 + 30 * DAY);
    const otherCa = await makeCa('someone else');
    const other = loadOrCreateChipKey(join(dir, 'other-keys'));
    const bad = [
      await mine(T0, T0 + 730 * DAY, ca, other.chip),
      await mine(T0, T0 + 730 * DAY, ca, identity.chip, other.publicKey),
      await mine(T0, T0 + 730 * DAY, otherCa),
      await mine(T0, T0 + 20 * DAY),
      'not a certificate',
    ];
    for (const pem of bad) {
      link.answer = (id) => issued(id, pem);
      const r = renewer(old);
      await r.check();
    }
    expect(rejected).toHaveLength(bad.length);
    expect(link.installed).toEqual([]);
    expect(existsSync(renewedCertFile(dir))).toBe(false);
    expect(certificateProblem(bad[2], { identity, ca: new X509Certificate(ca.pem), now: T0 })).toBe(
      'not signed by the device CA',
    );
  });

  it('waits retryAfterS after a refusal, a minute after no answer', async () => {
    const old = await mine(T0 - 700 * DAY, T0 + 30 * DAY);
    const r = renewer(old);
    link.answer = (id) => ({
      kind: 'denied',
      message: { body: certDeniedBody(id, ReasonCode.RATE_LIMITED, { retryAfterS: 600 }) } as CertDeniedMessage,
    });
    await r.check();
    clock.advance(599_000);
    await r.check();
    expect(link.requests).toHaveLength(1);
    clock.advance(1_000);
    link.answer = () => ({ kind: 'timeout' });
    await r.check();
    expect(link.requests).toHaveLength(2);
    clock.advance(59_000);
    await r.check();
    expect(link.requests).toHaveLength(2);
    clock.advance(1_000);
    await r.check();
    expect(link.requests).toHaveLength(3);
  });

  it('at start, ignores a stored certificate that is not valid for this chip and CA, or ends earlier', async () => {
    const provisioned = await mine(T0 - DAY, T0 + 730 * DAY);
    const choose = () => chooseCertificate(provisioned, dir, { identity, caPem: ca.pem, now: T0, log: silentLogger });
    expect(choose()).toBe(provisioned);
    mkdirSync(join(dir, 'tls'), { recursive: true });
    writeFileSync(renewedCertFile(dir), await mine(T0 - DAY, T0 + 100 * DAY));
    expect(choose()).toBe(provisioned);
    writeFileSync(renewedCertFile(dir), await mine(T0 - DAY, T0 + 900 * DAY, await makeCa('x')));
    expect(choose()).toBe(provisioned);
    const later = await mine(T0 - DAY, T0 + 900 * DAY);
    writeFileSync(renewedCertFile(dir), later);
    expect(choose()).toBe(later);
  });
});
