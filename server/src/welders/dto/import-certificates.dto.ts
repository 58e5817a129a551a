import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsIdNumber } from '../../common/validation/identifier.validators';
import { CertificateSubOperation } from '../certificate.entity';
import { IsCalendarDate } from './calendar-date.validator';

export const MAX_IMPORT_ROWS = 500;
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

/** One row of a certificate export (e.g. from the 特种作业操作证查询 service). Validated row by row by the service. */
export class CertificateImportRowDto {
  @ApiProperty({ description: 'Holder ID number; the welder must already be registered' })
  @Transform(upper)
  @IsIdNumber()
  idNumber!: string;

  @ApiProperty({ description: '"T" + the holder ID number' })
  @Transform(upper)
  @IsString()
  @Matches(/^T\d{17}[\dX]$/, { message: 'certificateNumber must be "T" followed by an 18-character ID number' })
  certificateNumber!: string;

  @ApiProperty({ enum: CertificateSubOperation, enumName: 'CertificateSubOperation' })
  @IsEnum(CertificateSubOperation)
  subOperation!: CertificateSubOperation;

  @ApiProperty({ example: '2022-03-01' })
  @IsCalendarDate()
  issuedOn!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2025-02-20' })
  @IsOptional()
  @IsCalendarDate()
  lastReviewedOn?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  issuingAuthority?: string | null;
}

export class ImportCertificatesDto {
  @ApiProperty({
    type: [CertificateImportRowDto],
    maxItems: MAX_IMPORT_ROWS,
    description: 'All rows are imported or none; rows are numbered from 1 in errors',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMPORT_ROWS)
  rows!: unknown[];
}
