import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { Trim } from '../../common/validation/field-helpers';
import { WELDER_PHOTO_STATUSES, type WelderPhotoStatus } from '../welder-photo.entity';

export class ReviewWelderPhotoDto {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'])
  decision!: 'approve' | 'reject';

  @ApiPropertyOptional({ example: '照片不是本人正面免冠照', description: 'Required when rejecting' })
  @ValidateIf((o: ReviewWelderPhotoDto) => o.decision === 'reject' || o.reason !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason?: string;
}

export class ListWelderPhotosQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: WELDER_PHOTO_STATUSES, enumName: 'WelderPhotoStatus', default: 'pending' })
  @IsOptional()
  @IsIn(WELDER_PHOTO_STATUSES)
  status?: WelderPhotoStatus;
}

export class WelderPhotoView {
  @ApiProperty() id!: string;
  @ApiProperty() welderId!: string;
  @ApiProperty({ description: "The welder's name (staff in scope see it as on the welder ledger)" })
  welderName!: string;
  @ApiProperty() employerName!: string;
  @ApiProperty({ enum: WELDER_PHOTO_STATUSES, enumName: 'WelderPhotoStatus' }) status!: WelderPhotoStatus;
  @ApiProperty() contentType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) reviewedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reviewReason!: string | null;
}

export class WelderPhotoStateView {
  @ApiPropertyOptional({ type: WelderPhotoView, nullable: true, description: 'The photo shown on the badge' })
  approved!: WelderPhotoView | null;
  @ApiPropertyOptional({ type: WelderPhotoView, nullable: true, description: 'The latest upload, when not approved' })
  latest!: WelderPhotoView | null;
}
