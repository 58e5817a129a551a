import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { TrimOrAbsent } from '../../common/validation/field-helpers';
import { Role } from '../../common/roles/role';
import { UserStatus } from '../user.entity';

export class ListUsersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ example: 'hengda', description: 'User name or display name contains' })
  @TrimOrAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: Role, enumName: 'Role' })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({ enum: UserStatus, enumName: 'UserStatus' })
  @IsOptional()
  @IsEnum(UserStatus)
  status?: UserStatus;
}

/** Only between the roles of one scope: an enterprise's admin and its safety manager. */
export const CHANGEABLE_ROLES = [Role.EnterpriseAdmin, Role.SafetyManager] as const;

export class ChangeRoleDto {
  @ApiProperty({ enum: CHANGEABLE_ROLES, example: Role.SafetyManager })
  @IsIn(CHANGEABLE_ROLES)
  role!: (typeof CHANGEABLE_ROLES)[number];
}

export class AccountView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: Role, enumName: 'Role' }) role!: Role;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) enterpriseId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) welderId!: string | null;
  @ApiProperty({ enum: UserStatus, enumName: 'UserStatus' }) status!: UserStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt!: Date | null;
  @ApiProperty({ description: 'The owner must choose a new password at the next log-in' })
  mustChangePassword!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

export class PasswordResetView {
  @ApiProperty({ enum: ['shown', 'sms'], description: 'shown: the one-time password is below, shown this once' })
  delivery!: 'shown' | 'sms';
  @ApiPropertyOptional({ description: 'The one-time password (only when delivery is shown)' })
  oneTimePassword?: string;
  @ApiPropertyOptional({ description: 'Masked number the one-time password was sent to (delivery sms)' })
  phoneMasked?: string;
}
