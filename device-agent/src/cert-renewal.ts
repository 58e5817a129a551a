/**
 * Renewal of the chip's mutual-TLS certificate before it expires (docs/protocol.md §3.4). While the
 * link is up and the time left on the certificate is at most min(renewBefore, renewFraction × its
 * validity), the agent sends a signed cert.renew for its own key; a cert.issued certificate is
 * checked (CN = chip, the chip's key, signed by the trusted device CA, in force, ending later),
 * written atomically to DATA_DIR/tls/chip-cert.pem, and the link reconnects with it.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CertIssuedBody, newMessageId } from '@arcgate/protocol';
import type { Clock } from './clock';
import { writeFileAtomicSync } from './fs-util';
import type { ChipIdentity } from './keys';
import type { CertAnswer } from './link';
import type { Logger } from './logger';

export const DEFAULT_RENEW_BEFORE_S = 30 * 86400;
export const DEFAULT_RENEW_FRACTION = 1 / 3;
/** After a refusal that needs a person (key mismatch, revoked, unbound): ask again this much later. */
const REFUSED_RETRY_MS = 3_600_000;
/** After a timeout or a lost connection: ask again this much later (or at the next connect). */
const UNANSWERED_RETRY_MS = 60_000;

/** Where the agent keeps a renewed certificate (the provisioned file may be read-only). */
export const renewedCertFile = (dataDir: string): string => join(dataDir, 'tls', 'chip-cert.pem');

/** Why `pem` is not a certificate this chip may use with this CA now (null: it is). */
export function certificateProblem(
  pem: string,
  o: { identity: ChipIdentity; ca: X509Certificate; now: number },
): string | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return 'not a PEM X.509 certificate';
  }
  if (cert.subject !== `CN=${o.identity.chip}`) return `subject ${cert.subject} is not CN=${o.identity.chip}`;
  if (
    cert.publicKey.asymmetricKeyType !== 'ed25519' ||
    cert.publicKey.export({ format: 'jwk' }).x !== o.identity.publicKey
  )
    return 'not issued for the chip key';
  if (!cert.checkIssued(o.ca) || !cert.verify(o.ca.publicKey)) return 'not signed by the device CA';
  if (Date.parse(cert.validFrom) > o.now || Date.parse(cert.validTo) <= o.now) return 'not in force now';
  return null;
}

const notAfterOf = (pem: string): number => Date.parse(new X509Certificate(pem).validTo);

/**
 * The certificate to connect with at start: the provisioned one or the renewed one in DATA_DIR,
 * whichever is valid for this chip and CA and ends later (a renewed certificate outlives the
 * provisioning; a provisioning done again after a new binding replaces a renewed one it outlives).
 */
export function chooseCertificate(
  provisionedPem: string,
  dataDir: string,
  o: { identity: ChipIdentity; caPem: string; now: number; log: Logger },
): string {
  const file = renewedCertFile(dataDir);
  if (!existsSync(file)) return provisionedPem;
  const renewed = readFileSync(file, 'utf8');
  const ca = new X509Certificate(o.caPem);
  const problem = certificateProblem(renewed, { identity: o.identity, ca, now: o.now });
  if (problem) {
    o.log.warn('renewed certificate ignored', { file, problem });
    return provisionedPem;
  }
  if (certificateProblem(provisionedPem, { identity: o.identity, ca, now: o.now }) !== null) return renewed;
  return notAfterOf(renewed) > notAfterOf(provisionedPem) ? renewed : provisionedPem;
}

export interface RenewalLink {
  readonly online: boolean;
  requestCertificate(requestId: string, body: unknown): Promise<CertAnswer>;
  useClientCertificate(certPem: string): void;
}

export interface CertRenewerOptions {
  link: RenewalLink;
  identity: ChipIdentity;
  caPem: string;
  /** The certificate the link connects with now. */
  certPem: string;
  dataDir: string;
  clock: Clock;
  log: Logger;
  renewBeforeS: number;
  renewFraction: number;
  /** A cert.issued whose certificate failed the checks (the agent journals it as security.rejected). */
  onRejected: (messageId: string) => void;
}

export class CertRenewer {
  private cert: X509Certificate;
  private readonly ca: X509Certificate;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private notBeforeMs = 0;

  constructor(private readonly o: CertRenewerOptions) {
    this.cert = new X509Certificate(o.certPem);
    this.ca = new X509Certificate(o.caPem);
  }

  get serial(): string {
    return this.cert.serialNumber.toLowerCase();
  }

  /** When renewal becomes due (epoch ms). */
  dueAt(): number {
    const from = Date.parse(this.cert.validFrom);
    const to = Date.parse(this.cert.validTo);
    const windowMs = Math.min(this.o.renewBeforeS * 1000, this.o.renewFraction * (to - from));
    return to - windowMs;
  }

  start(): void {
    const windowMs = Date.parse(this.cert.validTo) - this.dueAt();
    const every = Math.min(60_000, Math.max(1_000, windowMs / 10));
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
    this.o.log.info('certificate renewal scheduled', {
      serial: this.serial,
      notAfter: new Date(Date.parse(this.cert.validTo)).toISOString(),
      renewFrom: new Date(this.dueAt()).toISOString(),
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Asks for a new certificate if it is due, the link is up and no request is running. */
  async check(): Promise<void> {
    const now = this.o.clock.now();
    if (this.busy || !this.o.link.online || now < this.dueAt() || now < this.notBeforeMs) return;
    this.busy = true;
    try {
      await this.renew();
    } catch (err) {
      this.o.log.error('certificate renewal failed', { error: (err as Error).message });
      this.notBeforeMs = this.o.clock.now() + UNANSWERED_RETRY_MS;
    } finally {
      this.busy = false;
    }
  }

  private async renew(): Promise<void> {
    const requestId = newMessageId();
    this.o.log.info('asking for a renewed certificate', { serial: this.serial, requestId });
    const answer = await this.o.link.requestCertificate(requestId, {
      serial: this.serial,
      publicKey: this.o.identity.publicKey,
    });
    const now = this.o.clock.now();
    if (answer.kind === 'timeout' || answer.kind === 'offline') {
      this.o.log.warn('certificate renewal unanswered', { requestId, outcome: answer.kind });
      this.notBeforeMs = now + UNANSWERED_RETRY_MS;
      return;
    }
    if (answer.kind === 'denied') {
      const { reason, retryAfterS } = answer.message.body;
      this.o.log.warn('certificate renewal refused', { requestId, reason, retryAfterS });
      this.notBeforeMs = now + (retryAfterS ? retryAfterS * 1000 : REFUSED_RETRY_MS);
      return;
    }
    this.install(answer.message.id, answer.message.body, now);
  }

  private install(messageId: string, body: CertIssuedBody, now: number): void {
    const pem = body.certificatePem;
    const problem =
      certificateProblem(pem, { identity: this.o.identity, ca: this.ca, now }) ??
      (notAfterOf(pem) <= Date.parse(this.cert.validTo) ? 'does not end later than the current certificate' : null);
    if (problem) {
      this.o.log.error('renewed certificate rejected', { messageId, serial: body.serial, problem });
      this.o.onRejected(messageId);
      this.notBeforeMs = now + UNANSWERED_RETRY_MS;
      return;
    }
    const file = renewedCertFile(this.o.dataDir);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Temporary file, fsync, rename, fsync of the directory: a power cut leaves the old or the new one.
    writeFileAtomicSync(file, pem, 0o600);
    const previous = this.serial;
    this.cert = new X509Certificate(pem);
    this.notBeforeMs = 0;
    this.o.log.info('certificate renewed', {
      previous,
      serial: this.serial,
      notAfter: new Date(Date.parse(this.cert.validTo)).toISOString(),
      file,
    });
    this.o.link.useClientCertificate(pem);
  }
}
