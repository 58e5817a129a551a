import { AlertSeverity, SEVERITY_RANK, severityRankSql } from './alert-type';

describe('severity rank in SQL', () => {
  it('is SEVERITY_RANK written as a CASE over the value', () => {
    expect(severityRankSql('alerts.severity')).toBe(
      "(CASE alerts.severity::text WHEN 'info' THEN 0 WHEN 'warning' THEN 1 WHEN 'critical' THEN 2 END)",
    );
    expect(Object.keys(SEVERITY_RANK).sort()).toEqual(Object.values(AlertSeverity).sort());
  });
});
