import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { QR_PNG_DEFAULT_SIZE, QR_PNG_MAX_SIZE, QR_PNG_MIN_SIZE } from '../qr-image';

export class QrPngQueryDto {
  @ApiPropertyOptional({
    minimum: QR_PNG_MIN_SIZE,
    maximum: QR_PNG_MAX_SIZE,
    default: QR_PNG_DEFAULT_SIZE,
    description: 'Image width and height in pixels',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(QR_PNG_MIN_SIZE)
  @Max(QR_PNG_MAX_SIZE)
  size: number = QR_PNG_DEFAULT_SIZE;
}
