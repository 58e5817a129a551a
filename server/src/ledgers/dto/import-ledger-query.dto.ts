import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

export const IMPORT_REPORT_FORMATS = ['json', 'xlsx'] as const;
export type ImportReportFormat = (typeof IMPORT_REPORT_FORMATS)[number];

export class ImportLedgerQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Target enterprise: required for a platform admin; enterprise users always import into their own' })
  @IsOptional() @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ enum: IMPORT_REPORT_FORMATS, default: 'json', description: 'On rejection: json (422 IMPORT_REJECTED with details.rows) or xlsx (422 with the uploaded sheet plus a 错误 column)' })
  @IsOptional() @IsIn(IMPORT_REPORT_FORMATS)
  report?: ImportReportFormat;
}
