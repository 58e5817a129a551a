import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { ErrorBodyView } from '../../common/errors/error-envelope.view';

export class ImportJobIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

class ImportProgressDto {
  @ApiProperty({ description: 'Sheet rows read so far' })
  rowsRead!: number;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'Rows the sheet says it has (its <dimension>); an estimate',
  })
  rowsEstimate!: number | null;
}

class ImportRowErrorDto {
  @ApiProperty({ description: 'Excel row number' }) row!: number;
  @ApiProperty({ nullable: true, type: String }) column!: string | null;
  @ApiProperty({ nullable: true, type: String }) field!: string | null;
  @ApiProperty({ description: 'Field-level code, e.g. isNotEmpty, isEnum, duplicate, duplicateInFile' }) code!: string;
  @ApiProperty({ description: 'Chinese, for the error report sheet; clients word the code themselves' })
  message!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: "The rule's limits: { constraint1: 2000 } for a value that must not be greater than 2000",
  })
  params?: Record<string, string | number>;
}

class ImportResultDto {
  @ApiProperty() imported!: number;
  @ApiProperty({ type: [String] }) ids!: string[];
}

export class ImportJobDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['machines', 'welders'] }) ledger!: string;
  @ApiProperty({
    enum: ['queued', 'running', 'succeeded', 'rejected', 'failed'],
    description:
      'succeeded: every row written; rejected: row errors, nothing written; failed: the file itself was refused (error)',
  })
  state!: string;
  @ApiProperty({ nullable: true, type: String }) fileName!: string | null;
  @ApiProperty({ type: ImportProgressDto }) progress!: ImportProgressDto;
  @ApiProperty({ nullable: true, type: ImportResultDto, description: 'succeeded: { imported, ids }' }) result!: {
    imported: number;
    ids: string[];
  } | null;
  @ApiProperty({ nullable: true, type: [ImportRowErrorDto] }) errors!: ImportRowErrorDto[] | null;
  @ApiProperty({
    nullable: true,
    type: ErrorBodyView,
    description:
      'failed: { code, message, fields?, details? }, e.g. IMPORT_TOO_MANY_ROWS, IMPORT_FILE_TOO_LARGE, FILE_UNREADABLE, IMPORT_EMPTY, IMPORT_INTERRUPTED',
  })
  error!: { code: string; message: string } | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) finishedAt!: Date | null;
}
