import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from './error-codes';

// The error envelope every failing request answers with (all-exceptions.filter.ts), documented so that
// clients get ErrorCode as a named enum. Documentation only: the filter builds the body.

export class FieldErrorView {
  @ApiProperty({ example: 'regionCode' }) field!: string;
  @ApiProperty({ description: 'Validation rule that failed, e.g. isUUID, or an ErrorCode' }) code!: string;
  @ApiProperty({ description: 'English, for logs and API users; clients show their own text for the code' })
  message!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: "The rule's limits, named like class-validator's tokens: { constraint1: 2000 } for @Max(2000)",
  })
  params?: Record<string, string | number>;
}

export class ErrorBodyView {
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode' }) code!: ErrorCode;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: [FieldErrorView] }) fields?: FieldErrorView[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'e.g. retryAfterS on 429' })
  details?: Record<string, unknown>;
}

export class ErrorEnvelopeView {
  @ApiProperty({ type: ErrorBodyView }) error!: ErrorBodyView;
}
