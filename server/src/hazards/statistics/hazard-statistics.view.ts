import { ApiProperty } from '@nestjs/swagger';
import { HazardCategory, HazardLevel, HazardSource, HazardState } from '../hazard-rules';

export class HazardCountBySourceView {
  @ApiProperty({ enum: HazardSource, enumName: 'HazardSource' }) key!: HazardSource;
  @ApiProperty() count!: number;
}
export class HazardCountByLevelView {
  @ApiProperty({ enum: HazardLevel, enumName: 'HazardLevel' }) key!: HazardLevel;
  @ApiProperty() count!: number;
}
export class HazardCountByStateView {
  @ApiProperty({ enum: HazardState, enumName: 'HazardState' }) key!: HazardState;
  @ApiProperty() count!: number;
}
export class HazardCountByCategoryView {
  @ApiProperty({ enum: HazardCategory, enumName: 'HazardCategory' }) key!: HazardCategory;
  @ApiProperty() count!: number;
}

/** Time to sign-off (销号) and the deadline record of the hazards registered in the period. */
export class HazardSignOffFiguresView {
  @ApiProperty({ description: 'Signed off' }) signedOff!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Median hours from registration to sign-off' })
  medianHours!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '90th percentile hours from registration to sign-off' })
  p90Hours!: number | null;
  @ApiProperty({ description: 'Signed off by the deadline' }) onTime!: number;
  @ApiProperty({ description: 'Signed off after the deadline' }) late!: number;
  @ApiProperty({ description: 'Ordered and past the deadline now' }) overdue!: number;
}

/** One township × industry of the table, with its count per category. */
export class HazardRegionIndustryRowView {
  @ApiProperty({ example: '411426100' }) regionCode!: string;
  @ApiProperty({ example: '会亭镇' }) regionName!: string;
  @ApiProperty({ example: '金属制品业' }) industry!: string;
  @ApiProperty() total!: number;
  @ApiProperty() major!: number;
  @ApiProperty() overdue!: number;
  @ApiProperty() signedOff!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Count per hazard category (only categories with hazards)',
  })
  byCategory!: Partial<Record<HazardCategory, number>>;
}

export class HazardStatisticsView {
  @ApiProperty({ example: '2026-01-01' }) from!: string;
  @ApiProperty({ example: '2026-12-31' }) to!: string;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) industry!: string | null;
  @ApiProperty() total!: number;
  @ApiProperty() major!: number;
  @ApiProperty({ type: [HazardCountBySourceView] }) bySource!: HazardCountBySourceView[];
  @ApiProperty({ type: [HazardCountByLevelView] }) byLevel!: HazardCountByLevelView[];
  @ApiProperty({ type: [HazardCountByStateView] }) byState!: HazardCountByStateView[];
  @ApiProperty({ type: [HazardCountByCategoryView] }) byCategory!: HazardCountByCategoryView[];
  @ApiProperty({ type: HazardSignOffFiguresView }) signOff!: HazardSignOffFiguresView;
  @ApiProperty({ type: [HazardRegionIndustryRowView] }) byRegionIndustry!: HazardRegionIndustryRowView[];
  @ApiProperty() generatedAt!: Date;
}
