import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useApi } from '../../hooks/useResource';
import { Card, Empty, ErrorBox, Skeleton, Tag } from '../../shell/phone/kit';
import type { MyTarget } from './inspectorApi';

const TONE = { assigned: 'info', checked_in: 'warning', signed: 'success' } as const;

/** /i: the enterprises I was drawn to inspect, with where to go. */
export default function TargetsPage() {
  const { t } = useTranslation();
  const mine = useApi<MyTarget[]>('/api/inspection-targets/mine');
  return (
    <div className="k-stack">
      <Card title={t('inspector.mine')} testId="inspector-targets">
        {mine.loading && <Skeleton rows={3} />}
        {mine.error != null && <ErrorBox error={mine.error} onRetry={mine.reload} />}
        {mine.data && mine.data.length === 0 && <Empty>{t('inspector.empty')}</Empty>}
        {mine.data && mine.data.length > 0 && (
          <div className="k-list">
            {mine.data.map((x) => (
              <Link
                key={`${x.planId}:${x.position}`}
                className="i-target"
                to={`/i/targets/${x.planId}/${x.position}`}
                data-testid="inspector-target"
              >
                <div className="k-row" style={{ justifyContent: 'space-between' }}>
                  <strong>{x.enterpriseName}</strong>
                  <Tag tone={TONE[x.state]}>{t(`inspector.state.${x.state}`)}</Tag>
                </div>
                <div className="k-muted">{x.enterpriseAddress}</div>
                <div className="k-muted">
                  {x.planTitle} · {x.periodStart} – {x.periodEnd}
                </div>
              </Link>
            ))}
          </div>
        )}
      </Card>
    </div>
  );
}
