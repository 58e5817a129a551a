import type { InspectionKind } from './inspection.entity';
import { ApiProperty } from '@nestjs/swagger';

export class DrawWeightsView {
  @ApiProperty() openAlerts!: number;
  @ApiProperty() daysSinceInspection!: number;
}

export class DrawCandidateView {
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty() openAlerts!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Null: never inspected' })
  daysSinceInspection!: number | null;
}

export class InspectorView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
}

export class InspectionTargetView {
  @ApiProperty() position!: number;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty() weight!: number;
  @ApiProperty({ type: [InspectorView] }) inspectors!: InspectorView[];
  @ApiProperty({ type: Date, nullable: true, description: 'When an assigned inspector checked in on site' })
  checkedInAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who checked in' })
  checkedInByName!: string | null;
}

export class InspectionPlanSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() regionName!: string;
  @ApiProperty({ format: 'date' }) periodStart!: string;
  @ApiProperty({ format: 'date' }) periodEnd!: string;
  @ApiProperty() sampleSize!: number;
  @ApiProperty() drawnAt!: Date;
  @ApiProperty({
    enum: ['random', 'targeted'],
    enumName: 'InspectionKind',
    description: 'random: 双随机 draw of enterprises; targeted: one enterprise named by a regulator (not published)',
  })
  kind!: InspectionKind;
}

export class InspectionSourceView {
  @ApiProperty({ description: 'The off-platform audit list the enterprise was a suspect of' }) list!: string;
  @ApiProperty({ type: String, nullable: true }) label!: string | null;
}

export class InspectionPlanView extends InspectionPlanSummaryView {
  @ApiProperty({ type: DrawWeightsView }) weights!: DrawWeightsView;
  @ApiProperty() seed!: string;
  @ApiProperty({ type: [DrawCandidateView] }) candidates!: DrawCandidateView[];
  @ApiProperty({ type: [InspectorView] }) inspectorPool!: InspectorView[];
  @ApiProperty({ type: [InspectionTargetView] }) targets!: InspectionTargetView[];
  @ApiProperty({ type: String, nullable: true, description: 'Why a targeted inspection was planned' })
  reason!: string | null;
  @ApiProperty({ type: InspectionSourceView, nullable: true }) source!: InspectionSourceView | null;
}

/**
 * 一公开: the plan as published. Enterprises and the draw's inputs, so anyone can re-run it; no personal
 * data (inspectors appear as anonymous positions in the pool, e.g. "执法人员 3").
 */
export class PublicInspectionTargetView {
  @ApiProperty() position!: number;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty() weight!: number;
  @ApiProperty({ type: [Number], description: '1-based positions of the two inspectors in the pool (sorted by id)' })
  inspectorPositions!: number[];
}

export class PublicDrawCandidateView {
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty() openAlerts!: number;
  @ApiProperty({ type: Number, nullable: true }) daysSinceInspection!: number | null;
}

export class PublicInspectionPlanView extends InspectionPlanSummaryView {
  @ApiProperty({ type: DrawWeightsView }) weights!: DrawWeightsView;
  @ApiProperty() seed!: string;
  @ApiProperty({ description: 'How many inspectors the two per enterprise were drawn from' }) inspectorCount!: number;
  @ApiProperty({ type: [PublicDrawCandidateView] }) candidates!: PublicDrawCandidateView[];
  @ApiProperty({ type: [PublicInspectionTargetView] }) targets!: PublicInspectionTargetView[];
  @ApiProperty({ description: 'The draw re-run from the recorded inputs gives the recorded result' })
  reproducible!: boolean;
}
