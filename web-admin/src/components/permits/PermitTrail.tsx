import { Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PermitDetail } from '../../api/types';
import { fmtTime } from '../format';
import { EmptyState } from '../states';
import { trailLine } from './permit-trail';

type TrailEntry = PermitDetail['trail'][number];

/** The permit's approval log, newest last, with the time, the step and the remark. */
export function PermitTrail({ trail }: { trail: TrailEntry[] }) {
  const { t } = useTranslation();
  if (!trail.length) return <EmptyState description={t('timeline.noEvents')} />;
  return (
    <Timeline
      data-testid="permit-trail"
      items={trail.map((e) => ({
        color: e.action === 'rejected' || e.action === 'extension_rejected' ? 'red' : 'blue',
        content: (
          <>
            <div>
              {fmtTime(e.occurredAt)} · {trailLine(e, t)}
              {e.step !== null && e.action !== 'submitted' ? (
                <Typography.Text type="secondary"> · {t('records.trail.step', { step: e.step + 1 })}</Typography.Text>
              ) : null}
            </div>
            {e.remark && <Typography.Text type="secondary">{e.remark}</Typography.Text>}
          </>
        ),
      }))}
    />
  );
}
