import { ApiProperty } from '@nestjs/swagger';

export class EnterpriseCensus {
  @ApiProperty({ description: 'All enterprises in scope' }) total!: number;
  @ApiProperty() active!: number;
  @ApiProperty() suspended!: number;
  @ApiProperty() closed!: number;
}

export class MachineCensus {
  @ApiProperty({ description: 'Registered and not retired' }) total!: number;
  @ApiProperty({ description: 'Status "registered" (not yet put into service)' }) registered!: number;
  @ApiProperty() active!: number;
  @ApiProperty() suspended!: number;
  @ApiProperty() retired!: number;
  @ApiProperty({ description: 'Not retired and a chip bound (加芯)' }) chipped!: number;
  @ApiProperty({ description: 'Bound chips reporting online now (0 when the devices table is absent)' })
  online!: number;
  @ApiProperty({ description: 'Bound chips whose last reported state is "arcing"' }) arcing!: number;
}

export class WelderCensus {
  @ApiProperty({
    description:
      'Active welders the caller is responsible for: as the welders ledger lists them (employed in scope, or dispatched/engaged there today)',
  })
  total!: number;
  @ApiProperty({ description: 'Holding a certificate valid today (expiring ones included)' }) certified!: number;
  @ApiProperty({ description: 'Valid today but expiring within 90 days' }) expiring90d!: number;
  @ApiProperty() expired!: number;
  @ApiProperty({ description: '复审 overdue' }) reviewOverdue!: number;
  @ApiProperty({ description: 'No certificate at all' }) none!: number;
  @ApiProperty({ description: 'Other states: suspended, revoked, not yet valid' }) other!: number;
}

export class AlertCensus {
  @ApiProperty({ description: 'Open (not acknowledged, not closed)' }) open!: number;
  @ApiProperty({ description: 'Acknowledged, not yet closed' }) acknowledged!: number;
  @ApiProperty({ description: 'Open alerts by severity', type: 'object', additionalProperties: { type: 'number' } })
  openBySeverity!: Record<string, number>;
  @ApiProperty({
    description: 'Not-closed alerts by type (types with none omitted)',
    type: 'object',
    additionalProperties: { type: 'number' },
  })
  openByType!: Record<string, number>;
}

export class TownshipRow {
  @ApiProperty({ example: '411426100' }) regionCode!: string;
  @ApiProperty({ example: '会亭镇' }) regionName!: string;
  @ApiProperty() enterprises!: number;
  @ApiProperty({ description: 'Not retired' }) machines!: number;
  @ApiProperty() chipped!: number;
  @ApiProperty({
    description: 'Active welders a regulator of this region sees in its welders ledger (dispatched ones included)',
  })
  welders!: number;
  @ApiProperty({ description: 'Not-closed alerts' }) openAlerts!: number;
}

export class TrendPoint {
  @ApiProperty({ example: '2026-03-01', description: 'China calendar date' }) date!: string;
  @ApiProperty({ description: 'Alerts (条: distinct alerts, not their repeat occurrences) first raised that day' })
  alerts!: number;
  @ApiProperty({ description: 'Arcs started that day' }) arcs!: number;
  @ApiProperty({ description: 'Permits whose planned window starts that day (approved or closed)' }) permits!: number;
}

export class DataSources {
  @ApiProperty({ description: 'Device tables present: online/arcing counts are real' }) devices!: boolean;
  @ApiProperty({ description: 'Arc telemetry present' }) arcs!: boolean;
  @ApiProperty({ description: 'Permit tables present' }) permits!: boolean;
}

export class CensusFreshness {
  @ApiProperty({
    description:
      'When the pre-aggregated census was counted: enterprises, machines by status, welders by certificate state, per-region registry and the trend before today. Online machines, alerts, permits in force and today are counted live.',
  })
  countedAt!: Date;
  @ApiProperty({ description: 'Seconds between counts (REPORTING_CENSUS_REFRESH_S; longer when a count is slow)' })
  everyS!: number;
}

export class OverviewView {
  @ApiProperty({ description: 'When the numbers were taken' }) generatedAt!: Date;
  @ApiProperty({ example: '2026-03-01', description: 'China calendar date of "today"' }) today!: string;
  @ApiProperty({ description: 'The region the numbers cover (regulators), or null', nullable: true, type: String })
  regionCode!: string | null;
  @ApiProperty({ description: 'Name of that region, or null', nullable: true, type: String, example: '夏邑县' })
  regionName!: string | null;
  @ApiProperty({ type: EnterpriseCensus }) enterprises!: EnterpriseCensus;
  @ApiProperty({ type: MachineCensus }) machines!: MachineCensus;
  @ApiProperty({ type: WelderCensus }) welders!: WelderCensus;
  @ApiProperty({ description: 'Approved permits whose window overlaps today' }) permitsActiveToday!: number;
  @ApiProperty({ type: AlertCensus }) alerts!: AlertCensus;
  @ApiProperty({ type: [TownshipRow], description: "One row per child region of the caller's region" })
  byTownship!: TownshipRow[];
  @ApiProperty({ type: [TrendPoint], description: 'The last 30 days, oldest first, today included' })
  trend!: TrendPoint[];
  @ApiProperty({ type: DataSources }) sources!: DataSources;
  @ApiProperty({
    type: CensusFreshness,
    nullable: true,
    description:
      "Regulators and the platform admin: how old the census part is. Null when everything was counted live (an enterprise's own overview, or before the first census)",
  })
  census!: CensusFreshness | null;
}
