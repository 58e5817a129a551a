import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { QueryBoolean } from '../../common/validation/field-helpers';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { AlertSeverity } from '../../alerts/alert-type';
import {
  DELIVERY_CHANNELS,
  DELIVERY_FAILURES,
  DELIVERY_STATUSES,
  DeliveryChannel,
  DeliveryFailure,
  DeliveryStatus,
  ENDPOINT_OWNERS,
  EndpointOwner,
  NOTIFICATION_KINDS,
  NOTIFY_LEVELS,
  NotificationKind,
  NotifyLevel,
} from '../notification-types';

export class IdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ListNotificationsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Only unread ones', type: Boolean })
  @QueryBoolean()
  @IsOptional()
  @IsBoolean()
  unread?: boolean;
}

export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS, enumName: 'NotificationKind' }) kind!: NotificationKind;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) alertId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'AlertType of the alert' }) alertType!: string | null;
  @ApiProperty({ enum: AlertSeverity, enumName: 'AlertSeverity', nullable: true }) severity!: AlertSeverity | null;
  @ApiProperty({ enum: NOTIFY_LEVELS, enumName: 'NotifyLevel', nullable: true }) level!: NotifyLevel | null;
  @ApiProperty({ description: 'Chinese text as pushed to the channels' }) title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readAt!: string | null;
}

export class UnreadCountView {
  @ApiProperty() unread!: number;
}

export class NotificationRuleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String, description: 'AlertType; null: every type without a rule of its own' })
  alertType!: string | null;
  @ApiProperty({ enum: AlertSeverity, enumName: 'AlertSeverity' }) severity!: AlertSeverity;
  @ApiProperty({ enum: NOTIFY_LEVELS, enumName: 'NotifyLevel', isArray: true }) levels!: NotifyLevel[];
  @ApiProperty({ nullable: true, type: Number }) escalateAfterMin!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Minute of the China day' }) quietStartMin!: number | null;
  @ApiProperty({ nullable: true, type: Number }) quietEndMin!: number | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class UpdateNotificationRuleDto {
  @ApiProperty({ enum: NOTIFY_LEVELS, enumName: 'NotifyLevel', isArray: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsIn(NOTIFY_LEVELS, { each: true })
  levels!: NotifyLevel[];

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 1, maximum: 1440 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  escalateAfterMin?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 0, maximum: 1439 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1439)
  quietStartMin?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 0, maximum: 1439 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1439)
  quietEndMin?: number | null;
}

export class ListDeliveriesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ enum: DELIVERY_CHANNELS, enumName: 'DeliveryChannel' })
  @IsOptional()
  @IsIn(DELIVERY_CHANNELS)
  channel?: DeliveryChannel;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  alertId?: string;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS, enumName: 'NotificationKind' }) kind!: NotificationKind;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) alertId!: string | null;
  @ApiProperty({ enum: NOTIFY_LEVELS, enumName: 'NotifyLevel', nullable: true }) level!: NotifyLevel | null;
  @ApiProperty({ enum: DELIVERY_CHANNELS, enumName: 'DeliveryChannel' }) channel!: DeliveryChannel;
  @ApiProperty({ description: 'Masked phone, e-mail or robot' }) recipient!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({
    enum: DELIVERY_FAILURES,
    enumName: 'DeliveryFailure',
    nullable: true,
    description: 'Why the last attempt failed',
  })
  lastFailure!: DeliveryFailure | null;
  @ApiProperty({ nullable: true, type: String, description: "The provider's own error code or the HTTP status" })
  lastProviderCode!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "Technical detail: the provider's own words (not for display as the reason)",
  })
  lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) sentAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) failedAt!: string | null;
}

export class EndpointView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ENDPOINT_OWNERS, enumName: 'EndpointOwner' }) scope!: EndpointOwner;
  @ApiProperty({ enum: DELIVERY_CHANNELS, enumName: 'DeliveryChannel' }) channel!: DeliveryChannel;
  @ApiProperty({ description: 'Masked' }) target!: string;
  @ApiProperty() signed!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreateEndpointDto {
  @ApiProperty({
    enum: ENDPOINT_OWNERS,
    enumName: 'EndpointOwner',
    description:
      "user: the caller's own phone or e-mail; enterprise: its robots (enterprise admin); region: its robots (regulator)",
  })
  @IsIn(ENDPOINT_OWNERS)
  scope!: EndpointOwner;

  @ApiProperty({ enum: DELIVERY_CHANNELS, enumName: 'DeliveryChannel' })
  @IsIn(DELIVERY_CHANNELS)
  channel!: DeliveryChannel;

  @ApiProperty({ description: 'Mobile number, e-mail address or robot webhook URL', maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  target!: string;

  @ApiPropertyOptional({ description: "The robot's signing secret (DingTalk 加签, Feishu 签名校验)", maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  secret?: string;
}
