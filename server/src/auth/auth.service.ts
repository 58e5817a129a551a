import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { AccountsService } from '../users/accounts.service';
import { UsersService } from '../users/users.service';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { LoginAttemptsRepository, LoginResult } from './login-attempts.repository';
import { LoginSprayLimiter, sourceKey } from './login-spray-limiter';
import { assertPasswordPolicy } from '../common/passwords/password-policy';
import { SessionService } from './sessions/session.service';
import { TokenService } from './token.service';
import { TotpService } from './totp/totp.service';

// Compared against when the user does not exist, so that timing does not reveal valid names.
const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.0J6pF2mYq3rZQ0H1nKq2rGkF3l9a';

export interface LoginInput {
  username: string;
  password: string;
  totpCode?: string;
  recoveryCode?: string;
}

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly spray: LoginSprayLimiter,
    private readonly attempts: LoginAttemptsRepository,
    private readonly sessions: SessionService,
    private readonly totp: TotpService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  private async record(input: { username: string; userId: string | null; result: LoginResult }, client: ClientInfo) {
    await this.attempts.record({
      at: this.clock.now(),
      username: input.username.toLowerCase().slice(0, 64),
      userId: input.userId,
      sourceKey: sourceKey(client.ip),
      ip: client.ip.slice(0, 64),
      userAgent: client.userAgent?.slice(0, 256) ?? null,
      result: input.result,
    });
  }

  /**
   * Password (+ TOTP when the account has it) → a session. Order: the address lock and the account lock
   * are checked before the (CPU-heavy) password hash; every attempt is recorded (history and lockouts).
   * A user whose password was set by someone else, or who must enrol TOTP, gets a restricted session.
   */
  async login(input: LoginInput, client: ClientInfo) {
    const username = input.username;
    try {
      await this.spray.assertAllowed(client.ip);
      await this.spray.assertAccountOpen(username);
    } catch (e) {
      const result = (e as DomainError).code === ErrorCode.LOGIN_THROTTLED ? 'source_throttled' : 'account_locked';
      await this.record({ username, userId: null, result }, client);
      throw e;
    }
    const user = await this.users.findActiveByUsername(username);
    const ok = await this.hasher.verify(input.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) {
      await this.failed(username, user?.id ?? null, 'bad_credentials', client);
      throw new DomainError(ErrorCode.INVALID_CREDENTIALS, 'Wrong user name or password');
    }
    const totpOn = await this.totp.isEnabled(user.id);
    if (totpOn) {
      if (!input.totpCode && !input.recoveryCode) {
        await this.record({ username, userId: user.id, result: 'totp_required' }, client);
        throw new DomainError(ErrorCode.TOTP_REQUIRED, 'Enter the code from your authenticator app');
      }
      if (
        !(await this.totp.verify(user.id, user.username, { code: input.totpCode, recoveryCode: input.recoveryCode }))
      ) {
        await this.failed(username, user.id, 'totp_failed', client);
        throw new DomainError(ErrorCode.INVALID_CREDENTIALS, 'Wrong two-factor code');
      }
    }
    const mustEnrolTotp = !totpOn && this.totp.requiredFor(user.role);
    const restricted = user.mustChangePassword || mustEnrolTotp;
    const session = await this.sessions.start(user.id, { restricted, ...client });
    await this.record({ username, userId: user.id, result: 'success' }, client);
    await this.users.markLoggedIn(user.id);
    const { token, expiresIn } = this.tokens.sign({ sub: user.id, role: user.role, sid: session.sessionId });
    return {
      body: {
        accessToken: token,
        expiresIn,
        idleTimeoutS: this.sessions.idleTimeoutS,
        mustChangePassword: user.mustChangePassword,
        mustEnrolTotp,
        user: this.users.toView(user),
      },
      refreshToken: session.refreshToken,
      refreshExpiresAt: session.expiresAt,
    };
  }

  private async failed(username: string, userId: string | null, result: LoginResult, client: ClientInfo) {
    await this.record({ username, userId, result }, client);
    await this.spray.afterFailure(client.ip, username);
  }

  /** A new access token and a rotated refresh token for a live session. */
  async refresh(refreshToken: string | undefined) {
    const { session, refreshToken: next } = await this.sessions.refresh(refreshToken);
    const user = await this.users.findActiveById(session.userId);
    if (!user) {
      await this.sessions.end(session.id, 'user_disabled');
      throw new DomainError(ErrorCode.SESSION_ENDED, 'The account is unknown or disabled');
    }
    const { token, expiresIn } = this.tokens.sign({ sub: user.id, role: user.role, sid: session.id });
    return {
      body: { accessToken: token, expiresIn, idleTimeoutS: this.sessions.idleTimeoutS },
      refreshToken: next,
      refreshExpiresAt: new Date(session.expiresAt),
    };
  }

  /** Ends this session, audited like every other write (who, and which session). */
  async logout(actor: Actor, sessionId: string): Promise<void> {
    await this.sessions.end(sessionId, 'logout');
    await this.ds.transaction((em) =>
      this.audit.record(em, actor, {
        action: 'auth.logout',
        entityType: 'user',
        entityId: actor.userId!,
        after: { sessionId },
      }),
    );
  }

  async logoutEverywhere(actor: Actor): Promise<number> {
    const n = await this.sessions.endAllOfUser(actor.userId!, 'logout_all');
    await this.ds.transaction((em) =>
      this.audit.record(em, actor, {
        action: 'auth.logout_all',
        entityType: 'user',
        entityId: actor.userId!,
        after: { sessionsEnded: n },
      }),
    );
    return n;
  }

  /**
   * The user's own password change: the current password, then the policy. Other sessions end (whoever
   * knew the old password is out); this one stays, and is no longer restricted by a forced change.
   */
  async changeOwnPassword(actor: Actor, sessionId: string, current: string, next: string, client: ClientInfo) {
    const user = await this.users.findActiveById(actor.userId!);
    if (!user) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'The account is unknown or disabled');
    await this.spray.assertAccountOpen(user.username);
    if (!(await this.hasher.verify(current, user.passwordHash))) {
      // A wrong current password counts as a failed log-in: this route must not be a guessing oracle.
      await this.failed(user.username, user.id, 'bad_credentials', client);
      throw DomainError.invalid('currentPassword', 'wrongPassword', 'The current password is wrong');
    }
    assertPasswordPolicy(next, user.username, 'newPassword');
    if (await this.hasher.verify(next, user.passwordHash))
      throw DomainError.invalid('newPassword', 'unchanged', 'The new password must differ from the current one');
    const passwordHash = await this.hasher.hash(next);
    // The password, the end of the other sessions and the audit entry commit together or not at all.
    const ended = await this.ds.transaction(async (em) => {
      await this.users.replaceOwnPassword(em, user.id, passwordHash);
      const ids = await this.sessions.revokeAllOfUserIn(em, user.id, 'password_change', sessionId);
      await this.audit.record(em, actor, {
        action: 'auth.password.change',
        entityType: 'user',
        entityId: user.id,
        after: { forced: user.mustChangePassword, otherSessionsEnded: ids.length },
      });
      return ids;
    });
    this.sessions.forget(ended);
    const stillRestricted = this.totp.requiredFor(user.role) && !(await this.totp.isEnabled(user.id));
    await this.sessions.setRestricted(sessionId, stillRestricted);
    return { mustEnrolTotp: stillRestricted };
  }

  async totpStatus(actor: Actor) {
    return this.totp.status(actor.userId!, actor.role);
  }

  async totpEnrol(actor: Actor) {
    return this.totp.enrol(actor.userId!, actor.username);
  }

  /** Confirms TOTP; a session restricted only for enrolment is released. */
  async totpConfirm(actor: Actor, sessionId: string, code: string) {
    const recoveryCodes = await this.ds.transaction(async (em) => {
      const codes = await this.totp.confirm(em, actor.userId!, actor.username, code);
      await this.audit.record(em, actor, {
        action: 'auth.totp.enable',
        entityType: 'user',
        entityId: actor.userId!,
        after: {},
      });
      return codes;
    });
    if (!(await this.users.mustChangePassword(actor.userId!))) await this.sessions.setRestricted(sessionId, false);
    return { recoveryCodes };
  }

  /** Turns TOTP off: needs the password and a current code (or a recovery code); refused where it is required. */
  async totpDisable(actor: Actor, password: string, code: string, client: ClientInfo) {
    if (this.totp.requiredFor(actor.role))
      throw new DomainError(ErrorCode.CONFLICT, 'Two-factor log-in is required for your role');
    const user = await this.users.findActiveById(actor.userId!);
    if (!user) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'The account is unknown or disabled');
    await this.spray.assertAccountOpen(user.username);
    const passwordOk = await this.hasher.verify(password, user.passwordHash);
    const codeOk =
      passwordOk &&
      (await this.totp.verify(user.id, user.username, /^\d{6}$/.test(code) ? { code } : { recoveryCode: code }));
    if (!passwordOk || !codeOk) {
      await this.failed(user.username, user.id, passwordOk ? 'totp_failed' : 'bad_credentials', client);
      throw new DomainError(ErrorCode.INVALID_CREDENTIALS, 'Wrong password or code');
    }
    await this.ds.transaction(async (em) => {
      await this.totp.remove(em, user.id);
      await this.audit.record(em, actor, {
        action: 'auth.totp.disable',
        entityType: 'user',
        entityId: user.id,
        after: {},
      });
    });
  }

  async history(actor: Actor) {
    return this.attempts.historyOf(actor.userId!, 100);
  }

  /** An account's last 100 log-in attempts, for whoever manages that account (account management's scope). */
  async historyOfAccount(actor: Actor, userId: string) {
    await this.accounts.assertManages(actor, userId);
    return this.attempts.historyOf(userId, 100);
  }
}
