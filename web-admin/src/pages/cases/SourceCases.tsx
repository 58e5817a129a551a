import { AuditOutlined } from '@ant-design/icons';
import { Button, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Paginated } from '../../api/client';
import { useSession } from '../../auth/session';
import { fmtTime } from '../../components/format';
import { useApi } from '../../hooks/useApi';
import { CASE_STATE_COLOUR, casePath, type CaseSource, type CaseView } from './casesApi';
import { OpenCaseModal } from './OpenCaseModal';

/** The "立案" button of a hazard for regulators, with the cases already opened from it. */
export function HazardCases({ source }: { source: Extract<CaseSource, { kind: 'hazard' }> }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const staff = user?.role === 'regulator' || user?.role === 'platform_admin';
  const cases = useApi<Paginated<CaseView>>(staff ? '/api/cases' : null, {
    query: { hazardId: source.hazardId, pageSize: 20 },
  });
  const [opening, setOpening] = useState(false);
  if (!staff) return null;
  const items = cases.data?.items ?? [];
  return (
    <div data-testid="hazard-cases">
      <Space wrap>
        <Typography.Text strong>{t('cases.ofHazard')}</Typography.Text>
        {items.length === 0 && <Typography.Text type="secondary">{t('common.none')}</Typography.Text>}
        {items.map((c) => (
          <Link key={c.id} to={casePath(c.id)}>
            <Tag color={CASE_STATE_COLOUR[c.state]}>{t(`caseState.${c.state}`)}</Tag>
            {fmtTime(c.openedAt)}
          </Link>
        ))}
        {user?.role === 'regulator' && (
          <Button size="small" icon={<AuditOutlined />} onClick={() => setOpening(true)} data-testid="hazard-open-case">
            {t('cases.open')}
          </Button>
        )}
      </Space>
      <OpenCaseModal source={opening ? source : null} onClose={() => setOpening(false)} />
    </div>
  );
}
