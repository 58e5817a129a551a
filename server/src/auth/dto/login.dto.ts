import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
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

  @ApiPropertyOptional({ description: 'The 6-digit TOTP code, when log-in answered TOTP_REQUIRED' })
  @IsOptional()
  @Matches(/^\d{6}$/)
  totpCode?: string;

  @ApiPropertyOptional({ description: 'A one-time recovery code instead of the TOTP code' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  recoveryCode?: string;
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

export class RefreshResponseDto {
  @ApiProperty({ description: 'JWT bearer token (short-lived, JWT_TTL_SECONDS)' })
  accessToken!: string;

  @ApiProperty({ description: 'Seconds until the access token expires' })
  expiresIn!: number;

  @ApiProperty({ description: 'The session ends after this many seconds without a request (SESSION_IDLE_TIMEOUT_S)' })
  idleTimeoutS!: number;
}

export class LoginResponseDto extends RefreshResponseDto {
  @ApiProperty({
    description: 'The password was set by someone else: the session may only change it (POST /api/auth/password)',
  })
  mustChangePassword!: boolean;

  @ApiProperty({ description: 'TOTP is required for this role and not set up: the session may only enrol it' })
  mustEnrolTotp!: boolean;

  @ApiProperty({ type: () => SessionUserDto, description: 'The logged-in user' })
  user!: SessionUserDto;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  currentPassword!: string;

  @ApiProperty({ description: 'Checked against the password policy (field codes PASSWORD_*)' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  newPassword!: string;
}

export class ChangePasswordResponseDto {
  @ApiProperty({ description: 'TOTP must still be enrolled before the session is released' })
  mustEnrolTotp!: boolean;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/)
  code!: string;
}

export class TotpDisableDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;

  @ApiProperty({ description: 'A current TOTP code or a recovery code' })
  @IsString()
  @MinLength(6)
  @MaxLength(32)
  code!: string;
}

export class TotpStatusDto {
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'TOTP_REQUIRED applies to this role' }) required!: boolean;
  @ApiProperty() recoveryCodesLeft!: number;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'otpauth:// URI for authenticator apps' }) otpauthUri!: string;
  @ApiProperty({ description: 'The same as a QR code, PNG data URL' }) qrDataUrl!: string;
  @ApiProperty({ description: 'The secret in base32, for typing in by hand' }) secret!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'One-time recovery codes; shown only now' }) recoveryCodes!: string[];
}

export class SessionViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) lastSeenAt!: Date;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({ description: 'The session of this request' }) current!: boolean;
}

export class LoginHistoryEntryDto {
  @ApiProperty({ type: String, format: 'date-time' }) at!: Date;
  @ApiProperty() ip!: string;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({
    enum: ['success', 'bad_credentials', 'totp_required', 'totp_failed', 'account_locked', 'source_throttled'],
    enumName: 'LoginResult',
  })
  result!: string;
}

export class StreamTicketDto {
  @ApiProperty({ description: 'One-time ticket for ?ticket= on the stream URL' }) ticket!: string;
  @ApiProperty({ description: 'Seconds the ticket stays valid (30)' }) expiresIn!: number;
}

export class SessionIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class LoggedOutEverywhereDto {
  @ApiProperty() sessionsEnded!: number;
}
