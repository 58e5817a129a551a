import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { useApi } from '../../hooks/useResource';
import { Alert, Card, ErrorBox, Fields, Skeleton } from '../../shell/phone/kit';
import type { PublicInspectionPlan } from '../inspections/inspectionsApi';
import { PublicLayout } from './PublicLayout';

/**
 * /inspections/plans/:id — 一公开: a 双随机 plan's draw as published. The enterprises drawn, the seed and
 * every input of the draw, and how to re-run it; inspectors appear only as positions in the pool.
 */
export default function InspectionPlanPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const {
    data: p,
    error,
    loading,
    reload,
  } = useApi<PublicInspectionPlan>(`/api/public/inspection-plans/${encodeURIComponent(id)}`, { anonymous: true });
  const since = (d: number | null) =>
    d === null ? t('inspections.neverInspected') : t('inspections.days', { count: d });
  return (
    <PublicLayout>
      {loading && !p && <Skeleton rows={6} />}
      {error != null && !p && <ErrorBox error={error} onRetry={reload} />}
      {p && (
        <div data-testid="public-plan">
          <Card title={p.title}>
            <Fields
              bordered
              rows={[
                [t('inspections.region'), p.regionName],
                [t('inspections.period'), `${p.periodStart} – ${p.periodEnd}`],
                [t('inspections.drawnAt'), new Date(p.drawnAt).toLocaleString()],
                [t('inspections.seed'), <code data-testid="public-seed">{p.seed}</code>],
                [
                  t('inspections.weights'),
                  `${t('inspections.weightOpenAlerts')} ${p.weights.openAlerts} · ${t('inspections.weightDaysSince')} ${p.weights.daysSinceInspection}`,
                ],
                [t('inspections.inspectorCount'), p.inspectorCount],
              ]}
            />
            {p.reproducible ? (
              <Alert tone="success" testId="public-reproducible">
                {t('inspections.reproducible')}
              </Alert>
            ) : (
              <Alert tone="error" testId="public-not-reproducible">
                {t('inspections.notReproducible')}
              </Alert>
            )}
          </Card>
          <Card title={t('inspections.targets')}>
            <ol data-testid="public-targets">
              {p.targets.map((x) => (
                <li key={x.position}>
                  {x.enterpriseName} —{' '}
                  {t('inspections.inspectorPositions', { a: x.inspectorPositions[0], b: x.inspectorPositions[1] })}
                </li>
              ))}
            </ol>
          </Card>
          <Card title={t('inspections.candidates', { count: p.candidates.length })}>
            <table className="m-table">
              <thead>
                <tr>
                  <th>{t('inspections.enterprise')}</th>
                  <th>{t('inspections.openAlerts')}</th>
                  <th>{t('inspections.sinceInspection')}</th>
                </tr>
              </thead>
              <tbody>
                {p.candidates.map((c) => (
                  <tr key={c.enterpriseId}>
                    <td>{c.enterpriseName}</td>
                    <td>{c.openAlerts}</td>
                    <td>{since(c.daysSinceInspection)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <Card title={t('inspections.howToRerun')}>
            <p>{t('inspections.algorithm')}</p>
          </Card>
        </div>
      )}
    </PublicLayout>
  );
}
