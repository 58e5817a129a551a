import { ApiProperty } from '@nestjs/swagger';
import { AlertSeverity, AlertState, AlertType } from './alert-type';

export type SeverityCounts = Record<AlertSeverity, number> & { total: number };
export type StateCounts = Record<AlertState, number> & { total: number };

/** Counts for the regulator overview; every state, severity and type is present (zero when none). */
export class AlertSummary {
  @ApiProperty() total!: number;

  @ApiProperty({
    description: 'state → severity → count, e.g. byState.open.critical',
    type: 'object',
    additionalProperties: true,
  })
  byState!: Record<AlertState, SeverityCounts>;

  @ApiProperty({ description: 'type → state → count', type: 'object', additionalProperties: true })
  byType!: Record<AlertType, StateCounts>;
}

export function emptySummary(): AlertSummary {
  const severities = (): SeverityCounts => ({
    [AlertSeverity.Info]: 0,
    [AlertSeverity.Warning]: 0,
    [AlertSeverity.Critical]: 0,
    total: 0,
  });
  const states = (): StateCounts => ({
    [AlertState.Open]: 0,
    [AlertState.Acknowledged]: 0,
    [AlertState.Closed]: 0,
    total: 0,
  });
  return {
    total: 0,
    byState: {
      [AlertState.Open]: severities(),
      [AlertState.Acknowledged]: severities(),
      [AlertState.Closed]: severities(),
    },
    byType: Object.fromEntries(Object.values(AlertType).map((t) => [t, states()])) as Record<AlertType, StateCounts>,
  };
}
