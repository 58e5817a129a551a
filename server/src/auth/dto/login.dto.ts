import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { UserView } from '../../users/users.service';

export class LoginDto {
  @ApiProperty({ example: 'xiayi.regulator' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'ArcGate#2026' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;
}

/**
 * What log-in says of the user (UsersService.toView), documented here; `implements` keeps it in step with UserView.
 * The role refers to the Role schema by name (CreateUserDto registers it) so this file needs no users import.
 */
export class SessionUserDto implements UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ allOf: [{ $ref: getSchemaPath('Role') }] }) role!: UserView['role'];
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) enterpriseId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) welderId!: string | null;
  @ApiProperty() status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'JWT bearer token' })
  accessToken!: string;

  @ApiProperty({ description: 'Seconds until the token expires' })
  expiresIn!: number;

  @ApiProperty({ type: () => SessionUserDto, description: 'The logged-in user' })
  user!: SessionUserDto;
}
