import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { CHIP_ID_PATTERN } from '@arcgate/protocol';

export class BindChipDto {
  @ApiProperty({
    example: 'C7M2K9QW4XR8T1VZ3H5NB',
    description: 'Chip id as printed/scanned: "C" + 20 Crockford base32 characters, derived from the public key',
  })
  @IsString()
  @Matches(CHIP_ID_PATTERN, { message: 'chipId must be "C" followed by 20 Crockford base32 characters' })
  chipId!: string;

  @ApiProperty({
    example: 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik',
    description: 'Raw 32-byte Ed25519 public key of the chip, base64url without padding',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'publicKey must be 32 bytes in base64url (43 characters)' })
  publicKey!: string;
}
