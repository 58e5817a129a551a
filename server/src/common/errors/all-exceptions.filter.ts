import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, FieldError } from './domain-error';
import { ERROR_HTTP_STATUS, ErrorCode } from './error-codes';

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[]; details?: Record<string, unknown> };
}

const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';
const PG_INVALID_TEXT = '22P02';

/** The one place where errors become HTTP responses. Unknown errors are logged and become 500 INTERNAL. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.toResponse(exception);
    // A DomainError is an answer we chose (e.g. 503 IMPORT_BUSY), not a fault to log with its stack.
    if (status >= 500 && !(exception instanceof DomainError))
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    // Throttling and busy answers say when to come back (details.retryAfterS), as RFC 9110 Retry-After.
    const retryAfter = body.error.details?.retryAfterS;
    if (!res.headersSent && typeof retryAfter === 'number' && retryAfter > 0)
      res.setHeader('Retry-After', String(Math.ceil(retryAfter)));
    if (!res.headersSent) res.status(status).json(body);
  }

  toResponse(exception: unknown): [number, ErrorBody] {
    if (exception instanceof DomainError) {
      const status = ERROR_HTTP_STATUS[exception.code as ErrorCode] ?? 400;
      return [
        status,
        {
          error: {
            code: exception.code,
            message: exception.message,
            fields: exception.fields.length ? exception.fields : undefined,
            details: exception.details,
          },
        },
      ];
    }
    if (exception instanceof ThrottlerException) {
      return [429, { error: { code: ErrorCode.TOO_MANY_REQUESTS, message: 'Too many requests; try again later' } }];
    }
    const bodyParserType = (exception as { type?: string })?.type;
    if (bodyParserType === 'entity.too.large') {
      return [413, { error: { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'Request body is too large' } }];
    }
    if (bodyParserType === 'entity.too.deep') {
      return [400, { error: { code: ErrorCode.BODY_TOO_DEEP, message: (exception as Error).message } }];
    }
    if (
      bodyParserType === 'entity.parse.failed' ||
      bodyParserType === 'encoding.unsupported' ||
      bodyParserType === 'charset.unsupported'
    ) {
      return [400, { error: { code: ErrorCode.MALFORMED_BODY, message: 'Request body is not valid JSON' } }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Nest turns body-parser's JSON SyntaxError into a 400 before filters see it.
      if (status === 400 && (exception.cause instanceof SyntaxError || /JSON/.test(exception.message))) {
        return [400, { error: { code: ErrorCode.MALFORMED_BODY, message: 'Request body is not valid JSON' } }];
      }
      const code =
        status === 404
          ? ErrorCode.NOT_FOUND
          : status === 401
            ? ErrorCode.UNAUTHENTICATED
            : status === 403
              ? ErrorCode.FORBIDDEN
              : status === 413
                ? ErrorCode.PAYLOAD_TOO_LARGE
                : status === 415
                  ? ErrorCode.UNSUPPORTED_FILE
                  : status < 500
                    ? ErrorCode.VALIDATION_FAILED
                    : ErrorCode.INTERNAL;
      const message = status >= 500 ? 'Internal error' : exception.message;
      return [status, { error: { code, message } }];
    }
    if (exception instanceof QueryFailedError) {
      const pgCode = (exception as unknown as { driverError?: { code?: string; detail?: string } }).driverError?.code;
      if (pgCode === PG_UNIQUE_VIOLATION)
        return [
          409,
          { error: { code: ErrorCode.DUPLICATE, message: 'A record with the same unique value already exists' } },
        ];
      if (pgCode === PG_FOREIGN_KEY_VIOLATION)
        return [
          409,
          {
            error: { code: ErrorCode.CONFLICT, message: 'The record refers to, or is referred to by, another record' },
          },
        ];
      if (pgCode === PG_INVALID_TEXT)
        return [400, { error: { code: ErrorCode.VALIDATION_FAILED, message: 'A value has the wrong format' } }];
    }
    return [500, { error: { code: ErrorCode.INTERNAL, message: 'Internal error' } }];
  }
}
