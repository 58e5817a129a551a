import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'xiayi.regulator' })
  @IsString() @MinLength(1) @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'ArcGate#2026' })
  @IsString() @MinLength(1) @MaxLength(128)
  password!: string;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'JWT bearer token' })
  accessToken!: string;

  @ApiProperty({ description: 'Seconds until the token expires' })
  expiresIn!: number;

  @ApiProperty({ description: 'The logged-in user' })
  user!: Record<string, unknown>;
}
