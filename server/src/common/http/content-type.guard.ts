import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import { Request } from 'express';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-codes';

const DEFAULT_CONSUMES = ['application/json'];

function carriesBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

/**
 * A body the route cannot read is refused with 415. Without it a text/plain (or unexpected
 * multipart) body was never parsed, the handler got `undefined` and failed with a 500. What a route
 * reads is what the OpenAPI document says it consumes (@ApiConsumes), JSON when it says nothing.
 */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    if (!carriesBody(req)) return true;
    const consumes =
      this.reflector.getAllAndOverride<string[] | undefined>(DECORATORS.API_CONSUMES, [
        ctx.getHandler(),
        ctx.getClass(),
      ]) ?? DEFAULT_CONSUMES;
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (consumes.includes(mediaType)) return true;
    throw new DomainError(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      `This endpoint reads ${consumes.join(' or ')} bodies, not ${mediaType || 'a body without Content-Type'}`,
      [
        {
          field: 'Content-Type',
          code: 'unsupportedMediaType',
          message: `Content-Type must be ${consumes.join(' or ')}`,
        },
      ],
      { accepted: consumes },
    );
  }
}
