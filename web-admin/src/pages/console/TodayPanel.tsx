import { Badge, Card, Col, List, Row, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { components } from '../../api/schema';
import { fmtDate, fmtTime } from '../../components/format';
import { ErrorState } from '../../components/states';
import type { ApiState } from '../../hooks/useApi';
import { LEVEL_COLOUR } from '../hazards/hazardsApi';

export type Today = components['schemas']['TodayView'];
type HazardItem = components['schemas']['TodayHazardView'];

/** A section of the day: its count as a badge, its first items, each opening its record; the title opens the whole list. */
function Section<T>({
  title,
  count,
  items,
  render,
  testId,
  danger,
  more,
}: {
  title: string;
  count: number;
  items: T[];
  render: (item: T) => { key: string; to: string; title: ReactNode; description: ReactNode };
  testId: string;
  danger?: boolean;
  more: string;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Card
      size="small"
      data-testid={testId}
      title={
        <Space>
          <Typography.Link onClick={() => void navigate(more)}>{title}</Typography.Link>
          <Badge count={count} showZero color={danger && count ? '#cf1322' : count ? '#1677ff' : '#d9d9d9'} />
        </Space>
      }
      style={{ height: '100%' }}
    >
      <List
        size="small"
        dataSource={items}
        locale={{ emptyText: t('today.nothing') }}
        renderItem={(item) => {
          const r = render(item);
          return (
            <List.Item
              key={r.key}
              style={{ cursor: 'pointer', paddingInline: 0 }}
              onClick={() => void navigate(r.to)}
              data-testid={`${testId}-item`}
            >
              <List.Item.Meta title={r.title} description={r.description} />
            </List.Item>
          );
        }}
      />
      {count > items.length && (
        <Typography.Link onClick={() => void navigate(more)}>{t('today.more', { count })}</Typography.Link>
      )}
    </Card>
  );
}

/**
 * 今日待办: what needs the regulator today, at the top of the overview. The overview fetches it and waits for it
 * before drawing anything, so the panel never appears above the cards and moves them under the user's pointer.
 */
export default function TodayPanel({ today }: { today: ApiState<Today> }) {
  const { t } = useTranslation();
  const { data, error, reload } = today;
  if (error != null && !data) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return null;
  const hazard = (h: HazardItem) => ({
    key: h.id,
    to: `/console/hazards?open=${h.id}`,
    title: (
      <Space size={4} wrap>
        <span>{h.enterpriseName}</span>
        <Tag color={LEVEL_COLOUR[h.level]}>{t(`hazardLevel.${h.level}`)}</Tag>
      </Space>
    ),
    description: (
      <>
        {t(`hazardCategory.${h.category}`)}
        {h.regionName ? ` · ${h.regionName}` : ''}
        {h.deadline ? ` · ${t('today.deadline', { time: fmtTime(h.deadline) })}` : ''}
      </>
    ),
  });
  const span = { xs: 24, md: 12, xl: 8 } as const;
  return (
    <Card
      title={t('today.title')}
      size="small"
      style={{ marginBottom: 12 }}
      data-testid="today-panel"
      styles={{ body: { background: '#fafafa' } }}
    >
      <Row gutter={[12, 12]}>
        <Col {...span}>
          <Section
            title={t('today.overdue')}
            testId="today-overdue"
            danger
            more="/console/hazards?overdue=true"
            {...data.overdue}
            render={hazard}
          />
        </Col>
        <Col {...span}>
          <Section
            title={t('today.awaitingSignOff')}
            testId="today-sign-off"
            more="/console/hazards?state=verified"
            {...data.awaitingSignOff}
            render={hazard}
          />
        </Col>
        <Col {...span}>
          <Section
            title={t('today.awaitingVerification')}
            testId="today-verify"
            more="/console/hazards?state=rectified"
            {...data.awaitingVerification}
            render={hazard}
          />
        </Col>
        <Col {...span}>
          <Section
            title={t('today.inspections')}
            testId="today-inspections"
            more="/console/inspections"
            {...data.inspections}
            render={(i) => ({
              key: `${i.planId}-${i.position}`,
              to: `/console/inspections?open=${i.planId}`,
              title: (
                <Space size={4} wrap>
                  <span>{i.enterpriseName}</span>
                  {i.assignedToMe && <Tag color="blue">{t('today.assignedToMe')}</Tag>}
                </Space>
              ),
              description: `${i.planTitle} · ${t('today.until', { date: fmtDate(i.periodEnd) })}`,
            })}
          />
        </Col>
        <Col {...span}>
          <Section
            title={t('today.reports')}
            testId="today-reports"
            more="/console/reports"
            {...data.reports}
            render={(r) => ({
              key: r.id,
              to: `/console/reports?open=${r.id}`,
              title: (
                <Space size={4} wrap>
                  <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                    {r.description}
                  </Typography.Text>
                  <Tag>{t(`public.reportStatus.${r.status}`)}</Tag>
                </Space>
              ),
              description: `${r.regionName ?? t('today.unplaced')} · ${fmtTime(r.createdAt)}`,
            })}
          />
        </Col>
      </Row>
    </Card>
  );
}
