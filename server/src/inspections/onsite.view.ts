import { ApiProperty } from '@nestjs/swagger';
import { HazardCategory, HazardLevel, HazardState } from '../hazards/hazard-rules';
import { SCAN_OUTCOMES, ScanOutcome } from './onsite.entity';
import { InspectorView } from './inspection.view';

const DATE = { type: Date, nullable: true } as const;
const NUM = { type: Number, nullable: true } as const;
const STR = { type: String, nullable: true } as const;

export const ON_SITE_STATES = ['assigned', 'checked_in', 'signed'] as const;
export type OnSiteState = (typeof ON_SITE_STATES)[number];

/** One target of "my inspections": where to go and how far the visit is. */
export class MyInspectionTargetView {
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() planTitle!: string;
  @ApiProperty({ format: 'date' }) periodStart!: string;
  @ApiProperty({ format: 'date' }) periodEnd!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty() enterpriseAddress!: string;
  @ApiProperty({ type: [InspectorView] }) inspectors!: InspectorView[];
  @ApiProperty({ enum: ON_SITE_STATES, enumName: 'OnSiteState' }) state!: OnSiteState;
  @ApiProperty(DATE) checkedInAt!: Date | null;
  @ApiProperty(DATE) signedAt!: Date | null;
}

export class ScannedArcView {
  @ApiProperty() startedAt!: Date;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ type: Boolean, nullable: true }) authorized!: boolean | null;
}

export class ScannedMachineView {
  @ApiProperty() name!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() status!: string;
  @ApiProperty() registered!: boolean;
  @ApiProperty() chipBound!: boolean;
  @ApiProperty() permitInForce!: boolean;
  @ApiProperty(STR) permitNo!: string | null;
  @ApiProperty() unlockedNow!: boolean;
}

export class ScannedCertificateView {
  @ApiProperty() validToday!: boolean;
  @ApiProperty({
    enum: ['valid', 'unverified', 'not_yet_valid', 'expired', 'review_overdue', 'suspended', 'revoked', 'none'],
    enumName: 'OnSiteCertificateState',
  })
  state!: string;
  @ApiProperty({ type: String, required: false }) expiresOn?: string;
}

export class ScannedWelderView {
  @ApiProperty() maskedName!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: ScannedCertificateView }) certificate!: ScannedCertificateView;
}

/** One scan on site: the outcome and, for a genuine code, what it showed. */
export class OnSiteScanView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty({ enum: SCAN_OUTCOMES, enumName: 'OnSiteScanOutcome' }) outcome!: ScanOutcome;
  @ApiProperty({ enum: ['machine', 'welder'], nullable: true }) subjectType!: 'machine' | 'welder' | null;
  @ApiProperty(STR) enterpriseName!: string | null;
  @ApiProperty({ type: ScannedMachineView, nullable: true }) machine!: ScannedMachineView | null;
  @ApiProperty({ type: ScannedWelderView, nullable: true }) welder!: ScannedWelderView | null;
  @ApiProperty({ type: [ScannedArcView] }) recentArcs!: ScannedArcView[];
  @ApiProperty() scannedAt!: Date;
  @ApiProperty() scannedByName!: string;
}

export class UnregisteredMachineView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() description!: string;
  @ApiProperty(NUM) latitude!: number | null;
  @ApiProperty(NUM) longitude!: number | null;
  @ApiProperty({ format: 'uuid', description: 'The hazard it became (焊机未加芯赋码)' }) hazardId!: string;
  @ApiProperty() photoCount!: number;
  @ApiProperty() foundAt!: Date;
  @ApiProperty() foundByName!: string;
}

/** A hazard this visit registered: 现场交办 (ordered, deadline) and later 现场验收. */
export class OnSiteHazardView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: HazardCategory, enumName: 'HazardCategory' }) category!: HazardCategory;
  @ApiProperty({ enum: HazardLevel, enumName: 'HazardLevel' }) level!: HazardLevel;
  @ApiProperty({ enum: HazardState, enumName: 'HazardState' }) state!: HazardState;
  @ApiProperty() description!: string;
  @ApiProperty(STR) legalBasis!: string | null;
  @ApiProperty(DATE) deadline!: Date | null;
  @ApiProperty() createdAt!: Date;
}

/** The 五现场 record of one target (the document renderer reads these field names). */
export class InspectionRecordView {
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() planTitle!: string;
  @ApiProperty({ description: 'The region of the plan: the authority the record is made under' })
  planRegionName!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty() enterpriseAddress!: string;
  @ApiProperty({ type: [InspectorView] }) inspectors!: InspectorView[];
  @ApiProperty({ enum: ON_SITE_STATES, enumName: 'OnSiteState' }) state!: OnSiteState;
  @ApiProperty({ description: 'You are one of the two inspectors drawn and the step is open to you' })
  canAct!: boolean;
  @ApiProperty(DATE) checkedInAt!: Date | null;
  @ApiProperty(STR) checkedInByName!: string | null;
  @ApiProperty(NUM) checkInLatitude!: number | null;
  @ApiProperty(NUM) checkInLongitude!: number | null;
  @ApiProperty({ type: String, description: '现场查' }) findings!: string;
  @ApiProperty({ type: String, description: '现场讲' }) explained!: string;
  @ApiProperty({ ...STR, description: '现场签字: the representative' }) signerName!: string | null;
  @ApiProperty(DATE) signedAt!: Date | null;
  @ApiProperty(STR) signedByName!: string | null;
  @ApiProperty({ description: 'GET …/signature.png serves it' }) hasSignature!: boolean;
  @ApiProperty({ type: [OnSiteScanView] }) scans!: OnSiteScanView[];
  @ApiProperty({ type: [UnregisteredMachineView] }) unregisteredMachines!: UnregisteredMachineView[];
  @ApiProperty({ type: [OnSiteHazardView], description: '现场交办: hazards registered at this visit' })
  hazards!: OnSiteHazardView[];
}
