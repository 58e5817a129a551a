import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { IsRegionCode } from '../../common/validation/identifier.validators';
import { Role } from '../../common/roles/role';

export class CreateUserDto {
  @ApiProperty({ example: 'huiting.regulator', description: '3-64 letters, digits, dot, dash or underscore' })
  @Matches(/^[a-zA-Z0-9._-]{3,64}$/, { message: 'username must be 3-64 letters, digits, dot, dash or underscore' })
  username!: string;

  @ApiProperty({ description: 'At least 8 characters' })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password!: string;

  @ApiProperty({ example: '会亭镇应急办' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName!: string;

  @ApiProperty({ enum: Role, enumName: 'Role' })
  @IsEnum(Role)
  role!: Role;

  @ApiPropertyOptional({ description: 'Required for regulators: the region they oversee' })
  @IsOptional()
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({ description: 'Required for enterprise admins and safety managers' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ description: 'Required for welder accounts' })
  @IsOptional()
  @IsUUID()
  welderId?: string;
}
