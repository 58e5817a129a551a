import { Inject, Injectable, Logger } from '@nestjs/common';
import { CertDeniedBody, certDeniedBody, CertIssuedBody, CertRenewBody, ReasonCode } from '@arcgate/protocol';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../../access/actor';
import { AuditService } from '../../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DEVICE_OUTBOX, DeviceOutbox, VerifiedDeviceMessage } from '../../device-core/device-ports';
import type { BoundChip } from '../chips.repository';
import { DeviceRateLimiter, MonotonicClock } from '../rate-limiter';
import { DeviceCertificate } from './device-certificate.entity';
import { DeviceCertificatesRepository } from './device-certificates.repository';
import { DevicePki } from './device-pki.service';

export const DEFAULT_RENEW_MIN_INTERVAL_S = 86400;
/**
 * Renewal requests a chip may make before it is told to wait (per replica, in memory): a burst of 3,
 * then one per 10 minutes. A healthy device asks once per certificate (plus identical retries, which
 * cost nothing here); this bounds what a misbehaving one costs in CA signatures and audit rows.
 */
const ATTEMPTS = { capacity: 3, perSecond: 1 / 600 };

type Outcome =
  | { kind: 'issued'; body: CertIssuedBody }
  | { kind: 'denied'; reason: ReasonCode; retryAfterS?: number; detail?: Record<string, unknown> };

/** What a refusal means inside the transaction: roll back nothing written, answer this. */
class Refusal extends Error {
  constructor(
    readonly reason: ReasonCode,
    readonly detail: Record<string, unknown> = {},
    readonly retryAfterS?: number,
  ) {
    super(`renewal refused: ${reason}`);
  }
}

const issuedBody = (requestId: string, c: DeviceCertificate, supersedes: string): CertIssuedBody => ({
  requestId,
  serial: c.serial,
  supersedes,
  notBefore: c.notBefore.toISOString(),
  notAfter: c.notAfter.toISOString(),
  certificatePem: c.pem,
});

/**
 * Device certificate renewal over MQTT (docs/protocol.md §3.4). The gateway hands over a verified
 * cert.renew of a bound chip; this checks it, issues a certificate for the same key (new serial, new
 * validity), records it with the request id and the serial it supersedes, audits, and answers
 * cert.issued or cert.denied. The same request again (the device's retry, on any replica) gets the
 * same certificate. The superseded certificate is revoked after its grace by DevicePki's sweep.
 */
@Injectable()
export class CertificateRenewal {
  private readonly logger = new Logger('CertificateRenewal');
  private readonly attempts = new DeviceRateLimiter(new MonotonicClock());

  constructor(
    private readonly ds: DataSource,
    private readonly pki: DevicePki,
    private readonly certs: DeviceCertificatesRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DEVICE_OUTBOX) private readonly outbox: DeviceOutbox,
  ) {
    this.attempts.limits = { arm: ATTEMPTS, other: ATTEMPTS };
  }

  async handle(bound: BoundChip, msg: VerifiedDeviceMessage<CertRenewBody>): Promise<void> {
    const requestId = msg.envelope.id;
    let outcome: Outcome;
    try {
      outcome = await this.decide(bound, msg);
    } catch (e) {
      this.logger.error(`cert.renew ${requestId} of ${bound.chipId} failed: ${(e as Error).message}`);
      outcome = { kind: 'denied', reason: ReasonCode.SERVER_ERROR };
    }
    if (outcome.kind === 'issued') {
      await this.outbox.send(bound.chipId, 'cert.issued', outcome.body);
      return;
    }
    await this.deny(bound.chipId, requestId, outcome.reason, outcome.retryAfterS);
  }

  /** cert.denied to a chip (also used by the gateway for envelope failures and unbound chips). */
  deny(chipId: string, requestId: string, reason: ReasonCode, retryAfterS?: number): Promise<void> {
    const body: CertDeniedBody = certDeniedBody(requestId, reason, { retryAfterS });
    return this.outbox
      .send(chipId, 'cert.denied', body)
      .catch((e: Error) => this.logger.error(`cert.denied to ${chipId} not sent: ${e.message}`));
  }

  private async decide(bound: BoundChip, msg: VerifiedDeviceMessage<CertRenewBody>): Promise<Outcome> {
    const requestId = msg.envelope.id;
    const { serial, publicKey } = msg.envelope.body;
    // A retry of a request already answered: the same certificate, whatever the limits say now.
    const earlier = await this.certs.findRenewal(this.ds.manager, bound.chipId, requestId);
    if (earlier) return { kind: 'issued', body: issuedBody(requestId, earlier, earlier.renewsSerial ?? serial) };
    const attempt = this.attempts.take(bound.chipId, 'other');
    if (!attempt.ok) return { kind: 'denied', reason: ReasonCode.RATE_LIMITED, retryAfterS: attempt.retryAfterS };

    try {
      return await this.ds.transaction(async (em) => {
        const issued = await this.renewLocked(em, bound, requestId, serial, publicKey, msg.receivedAt);
        return { kind: 'issued', body: issued } as const;
      });
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      // Rate-limited refusals are routine and frequent by nature: counted by the limiter, not audited.
      if (e.reason !== ReasonCode.RATE_LIMITED) await this.auditRefusal(bound, requestId, serial, e);
      this.logger.warn(`cert.renew ${requestId} of ${bound.chipId} refused: ${e.reason}`);
      return { kind: 'denied', reason: e.reason, retryAfterS: e.retryAfterS, detail: e.detail };
    }
  }

  /** The checks of §3.4 in their documented order, under the machine row lock bind/unbind/retire take. */
  private async renewLocked(
    em: EntityManager,
    bound: BoundChip,
    requestId: string,
    serial: string,
    publicKey: string,
    receivedAt: Date,
  ): Promise<CertIssuedBody> {
    const machine = await this.certs.lockBoundMachine(em, bound.chipId);
    if (!machine) throw new Refusal(ReasonCode.CHIP_NOT_BOUND);
    if (machine.status === 'retired') throw new Refusal(ReasonCode.MACHINE_RETIRED);
    if (publicKey !== machine.publicKey) throw new Refusal(ReasonCode.DEVICE_CERT_KEY_MISMATCH, { publicKey });
    const current = await this.certs.findBySerial(em, serial);
    if (!current || current.chipId !== bound.chipId) throw new Refusal(ReasonCode.DEVICE_CERT_UNKNOWN);
    if (current.revokedAt) throw new Refusal(ReasonCode.DEVICE_CERT_REVOKED, { revokedAt: current.revokedAt });
    // Another replica may be answering the same request right now: the row lock serialises them.
    const raced = await this.certs.findRenewal(em, bound.chipId, requestId);
    if (raced) return issuedBody(requestId, raced, raced.renewsSerial ?? serial);
    const minIntervalS = this.config.devicePki?.renewMinIntervalS ?? DEFAULT_RENEW_MIN_INTERVAL_S;
    const last = await this.certs.lastRenewedAt(em, bound.chipId);
    const waitMs = last ? last.getTime() + minIntervalS * 1000 - Date.now() : 0;
    if (waitMs > 0)
      throw new Refusal(ReasonCode.RATE_LIMITED, { lastRenewedAt: last }, Math.min(86_400, Math.ceil(waitMs / 1000)));

    const issued = await this.pki.issueForChip(em, bound.chipId, machine.publicKey, {
      requestId,
      renewsSerial: serial,
    });
    const now = new Date();
    await this.certs.markSuperseded(em, serial, now);
    await this.audit.record(em, SYSTEM_ACTOR, {
      action: 'device.certificate.renew',
      entityType: 'machine',
      entityId: machine.machineId,
      enterpriseId: machine.enterpriseId,
      regionPath: machine.regionPath,
      before: { chipId: bound.chipId, serial, notAfter: current.notAfter.toISOString() },
      after: {
        chipId: bound.chipId,
        serial: issued.serial,
        notBefore: issued.notBefore.toISOString(),
        notAfter: issued.notAfter.toISOString(),
        requestId,
        supersededRevokedAfterS: this.pki.supersededGraceS(),
        receivedAt: receivedAt.toISOString(),
      },
    });
    this.logger.log(`chip ${bound.chipId}: certificate ${issued.serial} issued, superseding ${serial}`);
    return {
      requestId,
      serial: issued.serial,
      supersedes: serial,
      notBefore: issued.notBefore.toISOString(),
      notAfter: issued.notAfter.toISOString(),
      certificatePem: issued.pem,
    };
  }

  private async auditRefusal(bound: BoundChip, requestId: string, serial: string, r: Refusal): Promise<void> {
    await this.ds
      .transaction(async (em) => {
        const where = await this.certs.regionOfMachine(em, bound.machineId);
        await this.audit.record(em, SYSTEM_ACTOR, {
          action: 'device.certificate.renew_refused',
          entityType: 'machine',
          entityId: bound.machineId,
          enterpriseId: where?.enterpriseId ?? bound.enterpriseId,
          regionPath: where?.regionPath ?? null,
          after: { chipId: bound.chipId, serial, requestId, refusal: r.reason, ...r.detail },
        });
      })
      .catch((e: Error) => this.logger.error(`renewal refusal of ${bound.chipId} not audited: ${e.message}`));
  }
}
