import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { UsersService } from '../users/users.service';
import { IS_PUBLIC, ROLES } from '../access/decorators';
import { TokenService } from './token.service';
import { Role } from '../common/roles/role';

/** Global guard: every route needs a valid bearer token unless marked @Public(); @Roles narrows further. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest();
    const header: string | undefined = req.headers.authorization;
    // EventSource cannot set headers: live streams may pass the token as ?access_token=.
    const raw = header?.startsWith('Bearer ')
      ? header.slice(7)
      : typeof req.query?.access_token === 'string'
        ? req.query.access_token
        : undefined;
    const claims = raw ? this.tokens.verify(raw) : null;
    if (!claims) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Log in first: a valid bearer token is required');
    const actor = await this.users.actorForUserId(claims.sub);
    if (!actor) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'The account is unknown or disabled');
    req.actor = actor;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(actor.role as Role))
      throw new DomainError(ErrorCode.FORBIDDEN, 'Your role may not do this');
    return true;
  }
}
