import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { EnterpriseStatus } from '../enterprise.entity';
import { Trim } from '../../common/validation/field-helpers';

export class ChangeEnterpriseStatusDto {
  @ApiProperty({ enum: EnterpriseStatus, enumName: 'EnterpriseStatus' })
  @IsEnum(EnterpriseStatus)
  status!: EnterpriseStatus;

  @ApiPropertyOptional({
    example: '未落实动火审批制度, 责令停业整顿',
    description: 'Required unless the new status is active',
  })
  @ValidateIf((o: ChangeEnterpriseStatusDto) => o.status !== EnterpriseStatus.Active || o.reason !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason?: string;
}
