import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { QueryBoolean, TrimOrAbsent } from '../../common/validation/field-helpers';
import { MachineKind, MachineStatus } from '../machine.entity';

export class ListMachinesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: "Only this enterprise's machines (within your scope)" })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ enum: MachineStatus, enumName: 'MachineStatus' })
  @IsOptional()
  @IsEnum(MachineStatus)
  status?: MachineStatus;

  @ApiPropertyOptional({ enum: MachineKind, enumName: 'MachineKind' })
  @IsOptional()
  @IsEnum(MachineKind)
  kind?: MachineKind;

  @ApiPropertyOptional({ example: 'WS-400', description: 'Name, serial number or model contains' })
  @TrimOrAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: only machines with a chip bound; false: only those without',
  })
  @QueryBoolean()
  @IsOptional()
  @IsBoolean()
  hasChip?: boolean;
}
