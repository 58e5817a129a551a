import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsInstant } from '../../common/validation/date-time.validators';

export class CreateMachineLoanDto {
  @ApiProperty({ format: 'uuid', description: 'A machine of the lending enterprise' })
  @IsUUID()
  machineId!: string;

  @ApiProperty({ format: 'uuid', description: 'The enterprise borrowing it' })
  @IsUUID()
  borrowerEnterpriseId!: string;

  @ApiProperty({ example: '2026-01-06T00:00:00+08:00' })
  @IsInstant()
  startsAt!: string;

  @ApiProperty({ example: '2026-01-20T00:00:00+08:00' })
  @IsInstant()
  endsAt!: string;

  @ApiPropertyOptional({ example: '借用协议 2026-001' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class RevokeMachineLoanDto {
  @ApiProperty({ example: '提前归还' })
  @IsString()
  @MaxLength(500)
  reason!: string;
}
