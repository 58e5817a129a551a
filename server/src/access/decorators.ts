import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Actor } from './actor';
import { Role } from '../common/roles/role';

export const IS_PUBLIC = 'arcgate:isPublic';
export const ROLES = 'arcgate:roles';

/** The route needs no log-in. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route (after authentication). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** The authenticated actor, put on the request by JwtAuthGuard. */
export const CurrentActor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Actor => ctx.switchToHttp().getRequest().actor,
);
