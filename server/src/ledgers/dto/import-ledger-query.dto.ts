import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class ImportLedgerQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Target enterprise: required for a platform admin; enterprise users always import into their own',
  })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;
}
