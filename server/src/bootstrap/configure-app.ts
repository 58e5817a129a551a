import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AllExceptionsFilter } from '../common/errors/all-exceptions.filter';
import { validationExceptionFactory } from '../common/errors/validation-error.factory';
import { TrustProxy } from './trust-proxy';

export const API_PREFIX = 'api';
export const JSON_BODY_LIMIT = '1mb';

/** Everything about the HTTP app that main.ts and the tests must share. */
export function configureApp(app: NestExpressApplication, opts: { trustProxy?: TrustProxy } = {}): INestApplication {
  // Behind a reverse proxy every request would otherwise come from the proxy: one rate-limit bucket for everyone.
  if (opts.trustProxy !== undefined) app.set('trust proxy', opts.trustProxy);
  app.setGlobalPrefix(API_PREFIX);
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: JSON_BODY_LIMIT, extended: false });
  app.useGlobalPipes(new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: validationExceptionFactory,
  }));
  app.useGlobalFilters(new AllExceptionsFilter());

  const doc = new DocumentBuilder()
    .setTitle('ArcGate API')
    .setDescription('一芯一码一平台: registry, codes, hot-work permits, device authorization and alerts for electric and gas welding. Errors: { error: { code, message, fields?: [{ field, code, message }] } }.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, { jsonDocumentUrl: `${API_PREFIX}/docs-json` });
  return app;
}
