import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource, MoreThan } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { Role } from '../common/roles/role';
import { maskPhone } from '../common/validation/identifiers';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { SMS_SENDER, SmsSender } from '../sms/sms-sender';
import { WELDER_ROSTER, WelderRoster } from '../welders/welder-roster';
import {
  ActivatedView,
  ActivationSentView,
  CompleteActivationDto,
  StartActivationDto,
} from './dto/welder-activation.dto';
import { assertPasswordPolicy } from '../common/passwords/password-policy';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { WelderActivation } from './welder-activation.entity';

export const ACTIVATION_CODE_TTL_MS = 5 * 60_000;
export const ACTIVATION_RESEND_AFTER_MS = 60_000;
export const ACTIVATION_MAX_ATTEMPTS = 5;
/** Codes per welder per day: a cap on what one person's phone can be sent. */
export const ACTIVATION_MAX_PER_DAY = 10;

function hashCode(activationId: string, code: string): string {
  return createHash('sha256').update(`${activationId}:${code}`).digest('hex');
}

type CodeProblem = 'codeWrong' | 'codeExpired' | 'codeUsed' | 'codeAttemptsExhausted' | 'codeSuperseded';

function codeInvalid(reason: CodeProblem): DomainError {
  return new DomainError(ErrorCode.ONE_TIME_CODE_INVALID, `The one-time code is not valid (${reason})`, [
    { field: 'code', code: reason, message: reason },
  ]);
}

/**
 * A welder of the registry activates their own account (issue 16 §1): ID number, certificate number and
 * phone must match one registry record; a 6-digit one-time code (hashed, 5 minutes, 5 attempts, one per
 * minute) goes to that phone through SMS_SENDER; with it the welder chooses their user name and password.
 * Nobody else ever sets it. The account is the welder's (users.welder_id), whoever employs them.
 */
@Injectable()
export class WelderActivationService {
  constructor(
    private readonly users: UsersRepository,
    @Inject(WELDER_ROSTER) private readonly welders: WelderRoster,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
    private readonly cipher: FieldCipher,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async start(dto: StartActivationDto): Promise<ActivationSentView> {
    const mismatch = new DomainError(
      ErrorCode.ACTIVATION_MISMATCH,
      'The ID number, certificate number and phone do not match one registry record',
    );
    if (dto.certificateNumber !== `T${dto.idNumber}`) throw mismatch;
    return this.ds.transaction(async (em) => {
      const found = await this.welders.findByIdNumberIndex(this.cipher.blindIndex(dto.idNumber), em);
      // Locked: two requests for one welder queue up, so the cool-down holds.
      const welder = found ? await this.welders.lockWelder(em, found.id) : null;
      if (!welder?.phoneEnc || this.cipher.decrypt(welder.phoneEnc) !== dto.phone) throw mismatch;
      if (!(await this.welders.hasWeldingCertificate(welder.id, em))) throw mismatch;
      if (await this.users.findByWelderId(em, welder.id))
        throw new DomainError(ErrorCode.ALREADY_ACTIVATED, 'This welder already has an account: log in instead');
      const now = this.clock.now();
      const recent = await em.find(WelderActivation, {
        where: { welderId: welder.id, sentAt: MoreThan(new Date(now.getTime() - 24 * 3600_000)) },
        order: { sentAt: 'DESC' },
      });
      const waitMs = recent.length ? recent[0].sentAt.getTime() + ACTIVATION_RESEND_AFTER_MS - now.getTime() : 0;
      if (waitMs > 0 || recent.length >= ACTIVATION_MAX_PER_DAY)
        throw new DomainError(
          ErrorCode.ONE_TIME_CODE_TOO_SOON,
          'A code was sent a moment ago: wait before asking again',
          [],
          {
            retryAfterSeconds: recent.length >= ACTIVATION_MAX_PER_DAY ? 24 * 3600 : Math.ceil(waitMs / 1000),
          },
        );
      const id = randomUUID();
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const expiresAt = new Date(now.getTime() + ACTIVATION_CODE_TTL_MS);
      await em.insert(WelderActivation, {
        id,
        welderId: welder.id,
        codeHash: hashCode(id, code),
        sentAt: now,
        expiresAt,
        attempts: 0,
        consumedAt: null,
      });
      // Sent inside the transaction: if the provider fails, no code row is left behind to count as sent.
      try {
        await this.sms.send({
          phone: dto.phone,
          purpose: 'otp',
          text: `【ArcGate】您的焊工账号激活验证码为 ${code}，5分钟内有效。如非本人操作请忽略。`,
        });
      } catch {
        throw new DomainError(ErrorCode.SMS_UNAVAILABLE, 'The text message could not be sent: try again later');
      }
      return {
        activationId: id,
        phoneMasked: maskPhone(dto.phone),
        expiresAt,
        resendAfterSeconds: ACTIVATION_RESEND_AFTER_MS / 1000,
      };
    });
  }

  async complete(dto: CompleteActivationDto): Promise<ActivatedView> {
    assertPasswordPolicy(dto.password, dto.username);
    const passwordHash = await this.hasher.hash(dto.password);
    // A wrong code's attempt must be counted even though the request fails: decide inside, throw after commit.
    const outcome = await this.ds.transaction(async (em): Promise<DomainError | ActivatedView> => {
      const act = await em.findOne(WelderActivation, {
        where: { id: dto.activationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!act) return codeInvalid('codeWrong');
      const welder = await this.welders.lockWelder(em, act.welderId);
      if (!welder) return codeInvalid('codeWrong');
      const now = this.clock.now();
      if (act.consumedAt) return codeInvalid('codeUsed');
      if (act.expiresAt <= now) return codeInvalid('codeExpired');
      if (act.attempts >= ACTIVATION_MAX_ATTEMPTS) return codeInvalid('codeAttemptsExhausted');
      const latest = await em.findOne(WelderActivation, {
        where: { welderId: act.welderId },
        order: { sentAt: 'DESC' },
      });
      if (latest?.id !== act.id) return codeInvalid('codeSuperseded');
      const ok = timingSafeEqual(Buffer.from(act.codeHash, 'hex'), Buffer.from(hashCode(act.id, dto.code), 'hex'));
      if (!ok) {
        act.attempts += 1;
        await em.save(WelderActivation, act);
        return act.attempts >= ACTIVATION_MAX_ATTEMPTS
          ? codeInvalid('codeAttemptsExhausted')
          : codeInvalid('codeWrong');
      }
      if (await this.users.findByWelderId(em, welder.id))
        return new DomainError(ErrorCode.ALREADY_ACTIVATED, 'This welder already has an account: log in instead');
      if (await this.users.usernameTaken(dto.username, em))
        return new DomainError(ErrorCode.DUPLICATE, 'The user name is taken', [
          { field: 'username', code: 'duplicate', message: 'already taken' },
        ]);
      act.consumedAt = now;
      await em.save(WelderActivation, act);
      const user = await em.save(
        User,
        em.create(User, {
          username: dto.username,
          passwordHash,
          displayName: welder.realName,
          role: Role.Welder,
          regionCode: null,
          enterpriseId: null,
          welderId: welder.id,
          mustChangePassword: false,
          passwordChangedAt: now,
        }),
      );
      const employer = await this.enterprises.findById(welder.employerId, em);
      const self: Actor = { userId: user.id, username: user.username, role: Role.Welder, welderId: welder.id };
      await this.audit.record(em, self, {
        action: 'user.activate',
        entityType: 'user',
        entityId: user.id,
        enterpriseId: welder.employerId,
        regionPath: employer?.regionPath ?? null,
        after: { username: user.username, role: user.role, welderId: welder.id, status: user.status },
      });
      return { username: user.username };
    });
    if (outcome instanceof DomainError) throw outcome;
    return outcome;
  }
}
