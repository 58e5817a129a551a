import { ApiProperty } from '@nestjs/swagger';
import { ApproverPosition } from './approval-chain';
import { CandidateBlock } from './permit-eligibility';
import { PermitLevel, UpgradeReason } from './permit-levels';
import { GasReadinessView, LevelUpgradeReasonView, PermitDetailView } from './permit-view';

const CANDIDATE_BLOCKS: CandidateBlock[] = [
  'welderNotAvailable',
  'welderInactive',
  'certificateMissing',
  'certificateUnverified',
  'certificateNotYetValid',
  'certificateExpired',
  'certificateReviewOverdue',
  'certificateSuspended',
  'certificateRevoked',
  'machineNotAvailable',
  'machineInactive',
];

export class WelderCandidateView {
  @ApiProperty() id!: string;
  @ApiProperty() realName!: string;
  @ApiProperty({ type: String, nullable: true }) phoneMasked!: string | null;
  @ApiProperty({ description: 'Employed by the enterprise: only employees may be fire watchers' }) employee!: boolean;
  @ApiProperty({
    enum: CANDIDATE_BLOCKS,
    enumName: 'PermitCandidateBlock',
    nullable: true,
    description: 'Why the welder cannot work in the window (null: eligible); the code submission would refuse with',
  })
  block!: CandidateBlock | null;
}

export class MachineCandidateView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ enum: CANDIDATE_BLOCKS, enumName: 'PermitCandidateBlock', nullable: true })
  block!: CandidateBlock | null;
}

export class ApproverHolderView {
  @ApiProperty() userId!: string;
  @ApiProperty() displayName!: string;
}

export class ApprovalStepGuideView {
  @ApiProperty({ enum: ApproverPosition, enumName: 'ApproverPosition' }) position!: ApproverPosition;
  @ApiProperty({
    type: () => [ApproverHolderView],
    description: 'Who holds the position (empty: nobody can sign it yet)',
  })
  holders!: ApproverHolderView[];
}

/** Everything the permit form shows before submit, computed by the rules submission applies. */
export class PermitFormGuideView {
  @ApiProperty({ enum: PermitLevel, enumName: 'PermitLevel' }) requestedLevel!: PermitLevel;
  @ApiProperty({
    enum: PermitLevel,
    enumName: 'PermitLevel',
    description: 'After the holiday / night / period upgrade',
  })
  effectiveLevel!: PermitLevel;
  @ApiProperty({ type: () => [LevelUpgradeReasonView] }) upgradeReasons!: UpgradeReason[];
  @ApiProperty() maxWindowHours!: number;
  @ApiProperty({ type: String, format: 'date-time', description: 'The latest end the effective level allows' })
  latestEnd!: Date;
  @ApiProperty() windowFits!: boolean;
  @ApiProperty({
    type: () => GasReadinessView,
    description: 'verdictNow is GAS_ANALYSIS_MISSING: nothing recorded yet',
  })
  gas!: GasReadinessView;
  @ApiProperty({ type: () => [ApprovalStepGuideView] }) approvers!: ApprovalStepGuideView[];
  @ApiProperty({ type: () => [WelderCandidateView] }) welders!: WelderCandidateView[];
  @ApiProperty({ type: () => [MachineCandidateView] }) machines!: MachineCandidateView[];
}

export class AwaitingCountView {
  @ApiProperty() count!: number;
}

export class PrintedWelderView {
  @ApiProperty() id!: string;
  @ApiProperty() realName!: string;
  @ApiProperty({ description: '特种作业操作证号, masked' }) certificateNumberMasked!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Expiry (China date) of the latest welding certificate' })
  certificateExpiresOn!: string | null;
}

/** The 动火安全作业票 as printed: the permit, its welders' certificates (masked) and a QR of its link. */
export class PermitPrintView {
  @ApiProperty({ type: () => PermitDetailView }) permit!: PermitDetailView;
  @ApiProperty({ type: () => [PrintedWelderView] }) welders!: PrintedWelderView[];
  @ApiProperty({ description: 'The link the QR code carries (the permit in the console, after sign-in)' })
  link!: string;
  @ApiProperty({ description: 'The QR code as an SVG data URL' }) qrDataUrl!: string;
}
