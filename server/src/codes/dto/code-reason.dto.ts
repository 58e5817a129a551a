import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CodeReasonDto {
  @ApiProperty({ example: '标签损坏', maxLength: 200, description: 'Why the code is replaced or revoked. Anyone who scans the old code sees it, so write no personal data here.' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @MinLength(2) @MaxLength(200)
  reason!: string;
}
