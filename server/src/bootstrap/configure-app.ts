import { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { AllExceptionsFilter } from '../common/errors/all-exceptions.filter';
import { validationExceptionFactory } from '../common/errors/validation-error.factory';
import { ContentTypeGuard } from '../common/http/content-type.guard';
import { verifyJsonDepth } from '../common/http/json-depth';
import { TextSafetyPipe } from '../common/http/text-safety.pipe';
import { StrictValidationPipe } from '../common/validation/strict-validation.pipe';
import { TrustProxy } from '../config/trust-proxy';
import { ErrorCode } from '../common/errors/error-codes';
import { devicePlaneServes, ServerRole } from '../config/server-role';
import { createApiDocument } from './api-document';
import cookieParser from 'cookie-parser';

export const API_PREFIX = 'api';
export const JSON_BODY_LIMIT = '1mb';

/** Everything about the HTTP app that main.ts and the tests must share. */
export function configureApp(
  app: NestExpressApplication,
  opts: { trustProxy?: TrustProxy; serverRole?: ServerRole } = {},
): INestApplication {
  // The device process answers health checks only: no request ever runs reporting code on the device plane's loop.
  if (opts.serverRole === 'device')
    app.use((req: { path: string }, res: { status(n: number): { json(b: unknown): void } }, next: () => void) => {
      if (devicePlaneServes(req.path)) return next();
      res.status(404).json({
        error: {
          code: ErrorCode.NOT_FOUND,
          message: 'This is the device process (SERVER_ROLE=device); the API is served by the api process',
        },
      });
    });
  // Behind a reverse proxy every request would otherwise come from the proxy: one rate-limit bucket for everyone.
  if (opts.trustProxy !== undefined) app.set('trust proxy', opts.trustProxy);
  app.disable('x-powered-by');
  // Only the refresh token travels as a cookie (httpOnly, SameSite=Strict, Path=/api/auth): auth/auth.controller.ts.
  app.use(cookieParser());
  // Every response, API or UI: a browser must not guess a type (an uploaded photo served as HTML).
  app.use((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.setGlobalPrefix(API_PREFIX);
  // Depth is checked on the raw bytes, before JSON.parse and class-transformer recurse over it.
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT, verify: verifyJsonDepth });
  app.useBodyParser('urlencoded', { limit: JSON_BODY_LIMIT, extended: false });
  // What a route may be sent is what it documents (@ApiConsumes, JSON otherwise): anything else is 415.
  app.useGlobalGuards(new ContentTypeGuard(app.get(Reflector)));
  app.useGlobalPipes(
    new TextSafetyPipe(),
    new StrictValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: true, value: false },
      exceptionFactory: validationExceptionFactory,
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter());

  const document = createApiDocument(app);
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, { jsonDocumentUrl: `${API_PREFIX}/docs-json` });
  return app;
}
