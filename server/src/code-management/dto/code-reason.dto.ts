import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CodeReasonDto {
  @ApiProperty({
    example: '标签损坏',
    maxLength: 200,
    description:
      'Why the code is replaced or revoked. Kept for the enterprise, regulators and the audit log; a public scan of the old code shows only a category (reissued / machine retired / revoked), never this text.',
  })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  reason!: string;
}
