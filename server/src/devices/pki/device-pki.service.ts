import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { runsDevicePlane } from '../../config/server-role';
import { fromBase64Url } from '@arcgate/protocol';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DEVICE_CA_NAME, ensureCrl } from './broker-bundle';
import { DeviceCertificatesRepository } from './device-certificates.repository';
import {
  buildCrl,
  CaFiles,
  CaMaterial,
  defaultCaFiles,
  importRawPublicKey,
  issueLeaf,
  IssuedCertificate,
  loadCa,
  loadOrCreateCa,
  writePublicFile,
} from './device-pki';
import { join } from 'node:path';
import { StartupWork } from '../../common/scheduling/startup-work';

export const DEFAULT_DEVICE_CERT_DAYS = 730;
export const DEFAULT_SUPERSEDED_GRACE_S = 7 * 86400;
/** How often each replica looks for superseded certificates past their grace (shorter when the grace is). */
const SUPERSEDED_SWEEP_MAX_MS = 60_000;
const BACKFILL_BATCH = 500;
/** Chips certified per transaction by the start-up backfill. */
const BACKFILL_TX_CHIPS = 100;
const RELOAD_TIMEOUT_MS = 10_000;

/** Where the device CA and its CRL live for this configuration. */
export function devicePkiFiles(config: AppConfig): { ca: CaFiles; crlFile: string; supplied: boolean } {
  const p = config.devicePki;
  const supplied = !!(p?.caCertFile && p.caKeyFile);
  return {
    ca: supplied ? { certFile: p.caCertFile!, keyFile: p.caKeyFile! } : defaultCaFiles(config.dataDir, 'device-ca'),
    crlFile: p?.crlFile ?? join(config.dataDir, 'pki', 'device-ca.crl'),
    supplied,
  };
}

export interface ChipCertificateBundle {
  chipId: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  certificatePem: string;
  caPem: string;
}

/**
 * The device CA at work (issue 17 §1): issues each chip bound to a machine a certificate for its own
 * Ed25519 key (the device never sends its private key), and keeps the CRL file current. Revocation
 * itself is a database trigger on machines.chip_id (migration DeviceCertificates), so every way a
 * chip leaves its machine revokes it; this service hears of it through the chip-unbound notification
 * every replica receives, rewrites the CRL and runs the broker's reload command.
 */
@Injectable()
export class DevicePki implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DevicePki');
  private ca?: CaMaterial;
  private crlNumber = 0;
  /** CRL rewrites are serialised; a change during one triggers exactly one more. */
  private crlRun: Promise<void> = Promise.resolve();
  private crlPending = false;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping = false;
  /** The revoked set the CRL file was last written from (see sweepSuperseded). */
  private crlFingerprint = '';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly certs: DeviceCertificatesRepository,
    private readonly ds: DataSource,
    private readonly startup: StartupWork,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {}

  /** Loads (or, by default, creates) the CA: a supplied CA that does not load stops the start-up. */
  async onModuleInit(): Promise<void> {
    const { ca, supplied } = devicePkiFiles(this.config);
    this.ca = supplied
      ? await loadCa(ca, this.wallNow()).catch((e: Error) => {
          throw new Error(`DEVICE_CA_CERT_FILE/DEVICE_CA_KEY_FILE: ${e.message}`);
        })
      : await loadOrCreateCa(ca, DEVICE_CA_NAME, this.wallNow());
    this.crlNumber = Math.floor(this.wallNow().getTime() / 1000);
  }

  /** The CRL is rebuilt from the database at start (revocations while down), then certificates backfilled. */
  async onApplicationBootstrap(): Promise<void> {
    if (!runsDevicePlane(this.roleConfig ?? {})) return;
    await this.regenerateCrl();
    const started = Date.now();
    this.startup.track(
      'device certificate backfill',
      this.backfill()
        .then((n) => {
          if (n) this.logger.log(`start-up backfill: ${n} device certificate(s) issued in ${Date.now() - started} ms`);
        })
        .catch((e: Error) => this.logger.warn(`certificate backfill stopped: ${e.message}`)),
    );
    const every = Math.min(SUPERSEDED_SWEEP_MAX_MS, Math.max(1_000, (this.supersededGraceS() * 1000) / 4));
    this.sweepTimer = setInterval(() => void this.sweepSuperseded(), every);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  supersededGraceS(): number {
    return this.config.devicePki?.supersededGraceS ?? DEFAULT_SUPERSEDED_GRACE_S;
  }

  /**
   * Superseded certificates whose grace has passed are revoked (docs/protocol.md §3.4), and the CRL
   * is rewritten whenever the revoked set changed, here or on another replica (whichever replica's
   * UPDATE revoked them, every replica's CRL file follows within one sweep).
   */
  async sweepSuperseded(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = this.wallNow();
      const revoked = await this.certs.revokeSupersededBefore(
        new Date(now.getTime() - this.supersededGraceS() * 1000),
        now,
      );
      if (revoked) this.logger.log(`${revoked} superseded device certificate(s) revoked after their grace`);
      if (revoked || (await this.certs.revokedFingerprint(now)) !== this.crlFingerprint) await this.regenerateCrl();
    } catch (e) {
      this.logger.warn(`superseded-certificate sweep failed: ${(e as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Certificates and CRLs are judged by the broker's and the devices' own clocks, against real time,
   * not by the server's decision clock (which tests move and ARCGATE_CLOCK_OFFSET_FILE shifts): a CRL
   * dated by a shifted clock would be "expired" to Mosquitto, which then refuses every device.
   */
  private wallNow(): Date {
    return new Date();
  }

  get caPem(): string {
    return this.material().certPem;
  }

  private material(): CaMaterial {
    if (!this.ca) throw new Error('device CA not loaded');
    return this.ca;
  }

  /** Issues and records a certificate for the chip's key, in the binding's (or the renewal's) transaction. */
  async issueForChip(
    em: EntityManager,
    chipId: string,
    publicKeyB64: string,
    renewal?: { requestId: string; renewsSerial: string },
  ): Promise<IssuedCertificate> {
    if (!isRawEd25519Key(publicKeyB64)) throw new Error(`chip ${chipId}: not an Ed25519 public key`);
    const raw = fromBase64Url(publicKeyB64)!;
    const now = this.wallNow();
    const issued = await issueLeaf(this.material(), {
      commonName: chipId,
      publicKey: await importRawPublicKey(raw),
      now,
      validityDays: this.validityDays(),
    });
    await this.certs.record(em, {
      serial: issued.serial,
      chipId,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      pem: issued.pem,
      issuedAt: now,
      ...(renewal ? { renewalRequestId: renewal.requestId, renewsSerial: renewal.renewsSerial } : {}),
    });
    return issued;
  }

  private validityDays(): number {
    const p = this.config.devicePki;
    return p?.certValiditySeconds ? p.certValiditySeconds / 86400 : (p?.certValidityDays ?? DEFAULT_DEVICE_CERT_DAYS);
  }

  /** The chip's certificate in force with the CA certificate, or null (not bound, or revoked). */
  async currentForChip(chipId: string): Promise<ChipCertificateBundle | null> {
    const c = await this.certs.findCurrentForChip(chipId);
    if (!c) return null;
    return {
      chipId,
      serial: c.serial,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      certificatePem: c.pem,
      caPem: this.caPem,
    };
  }

  /** The current CRL (PEM) as published in the file. */
  crlPem(): string {
    return readFileSync(devicePkiFiles(this.config).crlFile, 'utf8');
  }

  /**
   * Rewrites the CRL from the database (revoked, not yet expired) and runs the reload command. Calls
   * during a rewrite coalesce into one more, so a burst of unbinds costs two rewrites, not one each.
   */
  regenerateCrl(): Promise<void> {
    if (this.crlPending) return this.crlRun;
    this.crlPending = true;
    this.crlRun = this.crlRun.then(async () => {
      this.crlPending = false;
      try {
        await this.writeCrl();
      } catch (e) {
        this.logger.error(`CRL not rewritten: ${(e as Error).message}`);
      }
    });
    return this.crlRun;
  }

  private async writeCrl(): Promise<void> {
    const ca = this.material();
    const now = this.wallNow();
    const { crlFile } = devicePkiFiles(this.config);
    await ensureCrl(ca, crlFile, now);
    const fingerprint = await this.certs.revokedFingerprint(now);
    const revoked = await this.certs.findRevokedUnexpired(now);
    // Monotonic across restarts and replicas in practice: seconds since the epoch, bumped within one.
    this.crlNumber = Math.max(this.crlNumber + 1, Math.floor(now.getTime() / 1000));
    writePublicFile(crlFile, await buildCrl(ca, revoked, now, this.crlNumber));
    this.crlFingerprint = fingerprint;
    await this.runReloadCommand();
  }

  private runReloadCommand(): Promise<void> {
    const command = this.config.devicePki?.crlReloadCommand;
    if (!command) return Promise.resolve();
    return new Promise((resolve) => {
      execFile('/bin/sh', ['-c', command], { timeout: RELOAD_TIMEOUT_MS }, (err, _out, stderr) => {
        if (err) this.logger.error(`CRL reload command failed: ${err.message} ${stderr.slice(0, 500)}`);
        resolve();
      });
    });
  }

  /**
   * Bound chips without a certificate (bound before the CA existed, or loaded by the demo seed) get one.
   * Resolves with how many were issued. Chips go BACKFILL_TX_CHIPS to a transaction: one commit per chip
   * made a province's 160,000 chips take 17 minutes (160 a second, each waiting for its own disk flush).
   */
  async backfill(): Promise<number> {
    const tried = new Set<string>();
    let issued = 0;
    for (;;) {
      // A chip whose certificate cannot be issued (a stored key that is not Ed25519) is tried once.
      const batch = (await this.certs.findBoundChipsWithoutCertificate(BACKFILL_BATCH + tried.size)).filter(
        (c) => !tried.has(c.chipId),
      );
      if (batch.length === 0) return issued;
      for (const c of batch) tried.add(c.chipId);
      for (let i = 0; i < batch.length; i += BACKFILL_TX_CHIPS) {
        const group = batch.slice(i, i + BACKFILL_TX_CHIPS);
        const done = await this.backfillGroup(group).catch(async (e: Error) => {
          // One chip's failure must not cost the others theirs: the group again, a transaction per chip.
          this.logger.warn(`certificate backfill of ${group.length} chips failed together (${e.message}); one by one`);
          let n = 0;
          for (const chip of group)
            n += await this.backfillGroup([chip]).catch((one: Error) => {
              this.logger.warn(`no certificate for chip ${chip.chipId}: ${one.message}`);
              return 0;
            });
          return n;
        });
        issued += done;
      }
    }
  }

  /**
   * Certificates for the chips still bound and uncertified, each re-checked under the row lock an unbind
   * also takes (ChipsService locks the machine row): a certificate is never issued to a chip that has just
   * left its machine, nor a second one to a chip another replica's backfill has just certified. The chips
   * come in chip-id order, so two backfilling replicas take the locks in one order.
   */
  private backfillGroup(group: { chipId: string; publicKey: string }[]): Promise<number> {
    return this.ds.transaction(async (em) => {
      let n = 0;
      for (const chip of group) {
        if (!isRawEd25519Key(chip.publicKey)) {
          this.logger.warn(`no certificate for chip ${chip.chipId}: not an Ed25519 public key`);
          continue;
        }
        if (!(await this.certs.lockUncertifiedBoundChip(em, chip.chipId))) continue;
        await this.issueForChip(em, chip.chipId, chip.publicKey);
        n++;
      }
      return n;
    });
  }
}

/** A stored chip key: 32 raw bytes in base64url (what binding accepts and a certificate can be issued for). */
function isRawEd25519Key(b64: string): boolean {
  return fromBase64Url(b64)?.length === 32;
}
