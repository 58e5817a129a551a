import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorEnvelopeView } from '../common/errors/error-envelope.view';

/** The OpenAPI document served at /api/docs-json; openapi.cli.ts writes the same one for the web types. */
export function createApiDocument(app: INestApplication): OpenAPIObject {
  const doc = new DocumentBuilder()
    .setTitle('ArcGate API')
    .setDescription(
      '一芯一码一平台: registry, codes, hot-work permits, device authorization and alerts for electric and gas welding. Errors: { error: { code, message, fields?: [{ field, code, message }] } }.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  // The error envelope is no route's 200 answer, so it is listed here to get ErrorCode into the schemas.
  return SwaggerModule.createDocument(app, doc, { extraModels: [ErrorEnvelopeView] });
}
