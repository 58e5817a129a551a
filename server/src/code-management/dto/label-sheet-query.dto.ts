import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';

export const MAX_LABELS_PER_SHEET = 200;

/** Accepts "a,b,c" and repeated parameters alike; duplicates are printed once. */
function toIdList(value: unknown): unknown {
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? [value] : null;
  if (!parts || parts.some((p) => typeof p !== 'string')) return value;
  const ids = (parts as string[])
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return [...new Set(ids)];
}

export class LabelSheetQueryDto {
  @ApiProperty({
    type: String,
    description: `Comma-separated machine ids, 1 to ${MAX_LABELS_PER_SHEET}`,
    example: '6f1c2a4e-0000-4000-8000-000000000001,6f1c2a4e-0000-4000-8000-000000000002',
  })
  @Transform(({ value }) => toIdList(value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LABELS_PER_SHEET)
  @IsUUID('all', { each: true })
  machineIds!: string[];
}
