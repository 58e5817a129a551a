import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { EntityManager } from 'typeorm';
import QRCode from 'qrcode';
import { Clock } from '../../common/clock/clock';
import { FieldCipher } from '../../common/crypto/field-cipher';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { Role } from '../../common/roles/role';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { TotpRepository } from './totp.repository';

const PERIOD_S = 30;
const RECOVERY_CODES = 10;
const hash = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex');

/** Roles whose accounts must use TOTP when TOTP_REQUIRED=true. */
export const TOTP_ROLES: readonly string[] = [Role.PlatformAdmin, Role.Regulator];

/**
 * TOTP second factor (RFC 6238, 6 digits, 30 s, SHA-1: what every authenticator app reads), via the maintained
 * otpauth library. The secret is stored encrypted (FieldCipher); a code's time step is used once (a code
 * seen by a shoulder-surfer cannot be replayed); recovery codes are stored as SHA-256 hashes (they are
 * 50-bit random, so a slow hash adds nothing) and each works once.
 */
@Injectable()
export class TotpService {
  constructor(
    private readonly repo: TotpRepository,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  requiredFor(role: string): boolean {
    return !!this.config.totpRequired && TOTP_ROLES.includes(role);
  }

  async isEnabled(userId: string): Promise<boolean> {
    return !!(await this.repo.find(userId))?.confirmedAt;
  }

  async status(userId: string, role: string) {
    const row = await this.repo.find(userId);
    return {
      enabled: !!row?.confirmedAt,
      required: this.requiredFor(role),
      recoveryCodesLeft: row?.confirmedAt ? row.recoveryCodeHashes.length : 0,
    };
  }

  private totp(secret: Secret, username: string): TOTP {
    return new TOTP({ issuer: 'ArcGate', label: username, secret, algorithm: 'SHA1', digits: 6, period: PERIOD_S });
  }

  /** Starts enrolment: a new secret, as an otpauth:// URI, its QR code (data URL) and in base32 for typing. */
  async enrol(userId: string, username: string) {
    const secret = new Secret({ size: 20 });
    if (!(await this.repo.putPending(userId, this.cipher.encrypt(secret.base32))))
      throw new DomainError(ErrorCode.CONFLICT, 'Two-factor log-in is already on; turn it off first');
    const uri = this.totp(secret, username).toString();
    return {
      otpauthUri: uri,
      qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 240 }),
      secret: secret.base32,
    };
  }

  /** The time step a code is valid for (±1 step of clock drift), or null. */
  private stepOf(secretEnc: string, username: string, code: string): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    const now = this.clock.now().getTime();
    const delta = this.totp(Secret.fromBase32(this.cipher.decrypt(secretEnc)), username).validate({
      token: code,
      timestamp: now,
      window: 1,
    });
    return delta === null ? null : Math.floor(now / 1000 / PERIOD_S) + delta;
  }

  /** Confirms enrolment with a first code; returns the recovery codes (shown once). */
  /** Confirms the pending enrolment in the caller's (audited) transaction; the recovery codes, shown once. */
  async confirm(em: EntityManager, userId: string, username: string, code: string): Promise<string[]> {
    const row = await this.repo.find(userId);
    if (!row || row.confirmedAt)
      throw new DomainError(ErrorCode.CONFLICT, 'No two-factor enrolment is pending; start one first');
    const step = this.stepOf(row.secretEnc, username, code);
    if (step === null)
      throw DomainError.invalid('code', 'totpInvalid', 'The code does not match; check the phone clock');
    const codes = Array.from({ length: RECOVERY_CODES }, () => {
      const raw = randomBytes(7).toString('hex').slice(0, 10);
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    await this.repo.confirm(em, userId, this.clock.now(), step, codes.map(hash));
    return codes;
  }

  /** Checks a log-in's second factor: a TOTP code (once per time step) or an unused recovery code. */
  async verify(userId: string, username: string, input: { code?: string; recoveryCode?: string }): Promise<boolean> {
    const row = await this.repo.find(userId);
    if (!row?.confirmedAt) return false;
    if (input.code) {
      const step = this.stepOf(row.secretEnc, username, input.code);
      return step !== null && (await this.repo.useStep(userId, step));
    }
    if (input.recoveryCode) return this.repo.useRecoveryCode(userId, hash(input.recoveryCode));
    return false;
  }

  async remove(em: EntityManager, userId: string): Promise<void> {
    await this.repo.remove(em, userId);
  }
}
