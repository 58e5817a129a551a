import { ApiProperty } from '@nestjs/swagger';
import { HazardCategory, HazardLevel } from '../hazards/hazard-rules';
import { RewardState } from './reward.entity';

export class RewardRuleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '411426' }) regionCode!: string;
  @ApiProperty({ enum: HazardCategory, enumName: 'HazardCategory' }) category!: HazardCategory;
  @ApiProperty({ enum: HazardLevel, enumName: 'HazardLevel' }) level!: HazardLevel;
  @ApiProperty({ example: 500 }) amountYuan!: number;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}

export class RewardView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ example: 'AB3DEFG7HK', description: "The report's tracking code (as the report list shows it)" })
  reportTrackingCode!: string;
  @ApiProperty({ format: 'uuid' }) hazardId!: string;
  @ApiProperty({ enum: HazardCategory, enumName: 'HazardCategory' }) category!: HazardCategory;
  @ApiProperty({ enum: HazardLevel, enumName: 'HazardLevel' }) level!: HazardLevel;
  @ApiProperty({ example: 500 }) amountYuan!: number;
  @ApiProperty({ enum: RewardState, enumName: 'RewardState' }) state!: RewardState;
  @ApiProperty() proposedByName!: string;
  @ApiProperty({ type: String, format: 'date-time' }) proposedAt!: string;
  @ApiProperty({ type: String, nullable: true }) approvedByName!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) approvedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) paidAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) paymentReference!: string | null;
  @ApiProperty({ description: 'The caller may approve it (a regulator other than the proposer)' }) canApprove!: boolean;
}

/** What the reporter sees with their tracking code: the state and amount only. */
export class PublicRewardStatusView {
  @ApiProperty({ enum: RewardState, enumName: 'RewardState', nullable: true, description: 'null: no reward yet' })
  state!: RewardState | null;
  @ApiProperty({ type: Number, nullable: true }) amountYuan!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) paidAt!: string | null;
}
