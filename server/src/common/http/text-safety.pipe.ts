import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-codes';
import { findUnsafeText, NUL_CHARACTER, UnsafeText } from './text-safety';

const MESSAGES = {
  nulCharacter: 'must not contain the NUL character (U+0000)',
  loneSurrogate: 'must not contain an unpaired UTF-16 surrogate',
};

function isUploadedFile(v: unknown): v is { fieldname: string; originalname: string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { originalname?: unknown }).originalname === 'string' &&
    'buffer' in v
  );
}

/**
 * Runs before validation on every body, query and route parameter (and on uploaded file names):
 * PostgreSQL refuses U+0000 and lone surrogates in text ("invalid byte sequence"), which surfaced as
 * 500s wherever such a string reached a query. Refused here, once, with the field path.
 */
@Injectable()
export class TextSafetyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const findings: UnsafeText[] = [];
    if (metadata.type === 'custom') {
      // Only uploaded files: other custom parameters (the actor) are built by the server.
      for (const f of Array.isArray(value) ? value : [value]) {
        if (isUploadedFile(f)) findings.push(...findUnsafeText(f.originalname, `${f.fieldname}.originalname`));
      }
    } else {
      // Whole-object parameters report bare field names; a named one (@Query('q')) reports its name.
      const root = metadata.data ?? '';
      findings.push(...findUnsafeText(value, root).map((f) => ({ ...f, field: f.field || metadata.type })));
    }
    if (!findings.length) return value;
    const fields = findings.map((f) => ({ field: f.field, code: f.code, message: `${f.field} ${MESSAGES[f.code]}` }));
    const where = metadata.type === 'custom' ? 'file name' : metadata.type;
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      `The request ${where} contains ${fields[0].code === NUL_CHARACTER ? 'a NUL character' : 'an unpaired surrogate'}, which cannot be stored`,
      fields,
    );
  }
}
