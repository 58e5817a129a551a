import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';

export const ALLOW_RESTRICTED = 'arcgate:allowRestricted';
export const STREAM_TICKET = 'arcgate:streamTicket';

/**
 * The route is open to a restricted session too: one whose password must be changed or whose TOTP must be
 * enrolled first (log-in answers such a session; it may do only that, read itself and log out).
 */
export const AllowRestricted = () => SetMetadata(ALLOW_RESTRICTED, true);

/**
 * The route (an EventSource stream) may be authenticated by a one-time `?ticket=` from
 * POST /api/alerts/stream-ticket instead of the Authorization header. No token is ever accepted in a URL.
 */
export const StreamTicketAuth = () => SetMetadata(STREAM_TICKET, true);

/** The session id (auth_sessions.id) of the request, put there by JwtAuthGuard. */
export const CurrentSessionId = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest().sessionId,
);
