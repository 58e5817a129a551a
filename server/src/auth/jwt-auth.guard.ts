import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { UsersService } from '../users/users.service';
import { IS_PUBLIC, ROLES } from '../access/decorators';
import { TokenService } from './token.service';
import { Role } from '../common/roles/role';
import { SessionService } from './sessions/session.service';
import { ALLOW_RESTRICTED, STREAM_TICKET } from './session.decorators';
import { SessionRow } from './sessions/sessions.repository';

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(); @Roles narrows further.
 * The token must name a live session (not logged out, not idle, not past its age) of an active user, so
 * revocation and disabling take effect on the next request. A restricted session (password change or
 * TOTP enrolment pending) reaches only @AllowRestricted routes. Tokens in URLs are refused: a stream
 * (@StreamTicketAuth) takes a one-time ?ticket= instead.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest();
    const header: string | undefined = req.headers.authorization;
    const unauthenticated = () =>
      new DomainError(ErrorCode.UNAUTHENTICATED, 'Log in first: a valid bearer token is required');
    let session: SessionRow;
    if (header?.startsWith('Bearer ')) {
      const claims = this.tokens.verify(header.slice(7));
      if (!claims) throw unauthenticated();
      session = await this.sessions.assertLive(claims.sid, claims.sub);
    } else if (
      this.reflector.getAllAndOverride<boolean>(STREAM_TICKET, targets) &&
      typeof req.query?.ticket === 'string'
    ) {
      const redeemed = await this.sessions.redeemStreamTicket(req.query.ticket);
      if (!redeemed) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'The stream ticket is unknown, used or expired');
      session = redeemed;
    } else throw unauthenticated();
    const actor = await this.users.actorForUserId(session.userId);
    if (!actor) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'The account is unknown or disabled');
    req.actor = actor;
    req.sessionId = session.id;
    if (session.restricted && !this.reflector.getAllAndOverride<boolean>(ALLOW_RESTRICTED, targets)) {
      const mustChange = await this.users.mustChangePassword(session.userId);
      throw mustChange
        ? new DomainError(ErrorCode.PASSWORD_CHANGE_REQUIRED, 'Change your password first')
        : new DomainError(ErrorCode.TOTP_ENROLMENT_REQUIRED, 'Set up two-factor log-in first');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(actor.role as Role))
      throw new DomainError(ErrorCode.FORBIDDEN, 'Your role may not do this');
    return true;
  }
}
