import { Descriptions, Drawer, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { AlertView } from '../api/types';
import { useApi } from '../hooks/useApi';
import type { EvidenceLink } from './alert-evidence';
import { AlertEvidence, RecordLink } from './alert-evidence-view';
import { fmtTime } from './format';
import { MachineTimelineDrawer } from './MachineTimelineDrawer';
import { PermitDrawer } from './permits/PermitDrawer';
import { EnumTag } from './tags';
import { ErrorState, InlineLoading } from './states';
import { WelderDrawer } from './welders/WelderDrawer';
import { PromoteToHazard } from './hazards/PromoteToHazard';

/** The machine, welder and permit the alert is about, in that order, where it names them. */
function subjectLinks(a: AlertView): EvidenceLink[] {
  const links: EvidenceLink[] = [];
  if (a.machineId) links.push({ kind: 'machine', id: a.machineId });
  if (a.welderId) links.push({ kind: 'welder', id: a.welderId });
  if (a.permitId) links.push({ kind: 'permit', id: a.permitId });
  return links;
}

/**
 * "Rectification overdue" is a reminder about a hazard that exists: it links to that hazard and is
 * never promoted into a second one (the server refuses that too).
 */
function overdueHazardId(a: AlertView): string | null {
  if (a.type !== 'HAZARD_OVERDUE') return null;
  const id = (a.evidence as { hazardId?: unknown } | null)?.hazardId;
  return typeof id === 'string' ? id : null;
}

/**
 * One alert, readable: what it is about (enterprise, machine, welder, permit, by name), how often and
 * when, its evidence laid out for its type (first and latest occurrence), and how it was handled.
 * The machine, welder and permit open their own drawers.
 */
export function AlertDetailDrawer({ alertId, onClose }: { alertId: string | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const state = useApi<AlertView>(alertId ? `/api/alerts/${alertId}` : null);
  const [opened, setOpened] = useState<EvidenceLink | null>(null);
  const a = state.data && state.data.id === alertId ? state.data : undefined;
  const close = () => setOpened(null);

  return (
    <Drawer
      open={!!alertId}
      onClose={onClose}
      width={Math.min(640, window.innerWidth)}
      title={a ? (i18n.language === 'en' ? a.titleEn : a.title) : t('records.alert.title')}
      destroyOnHidden
      data-testid="alert-detail"
    >
      {state.error ? (
        <ErrorState error={state.error} onRetry={state.reload} />
      ) : !a ? (
        <InlineLoading />
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }} size="middle">
          {overdueHazardId(a) ? (
            <Link to={`/console/hazards?open=${overdueHazardId(a)}`} data-testid="alert-hazard-link">
              {t('hazards.openHazard')}
            </Link>
          ) : (
            a.enterpriseId && <PromoteToHazard source="alert" id={a.id} />
          )}
          <Descriptions
            size="small"
            column={1}
            bordered
            data-testid="alert-subjects"
            items={[
              {
                key: 'severity',
                label: t('alerts.severity'),
                children: (
                  <>
                    <EnumTag kind="severity" value={a.severity} /> <EnumTag kind="alertState" value={a.state} />
                  </>
                ),
              },
              {
                key: 'enterprise',
                label: t('records.ev.enterprise'),
                children: a.enterpriseName ?? t('alerts.unknownEnterprise'),
              },
              ...subjectLinks(a).map((link) => ({
                key: link.kind,
                label: t(`records.ev.${link.kind}`),
                children: <RecordLink link={link} onOpen={setOpened} />,
              })),
              ...(a.chipId ? [{ key: 'chip', label: t('records.ev.chip'), children: a.chipId }] : []),
              {
                key: 'count',
                label: t('alerts.count'),
                children: t('alerts.occurrences', {
                  count: a.count,
                  first: fmtTime(a.firstSeenAt),
                  last: fmtTime(a.lastSeenAt),
                }),
              },
              ...(a.acknowledgedAt
                ? [
                    {
                      key: 'ack',
                      label: t('alerts.acknowledge'),
                      children: `${fmtTime(a.acknowledgedAt)} ${a.acknowledgeNote ?? ''}`,
                    },
                  ]
                : []),
              ...(a.closedAt
                ? [{ key: 'close', label: t('alerts.close'), children: `${fmtTime(a.closedAt)} ${a.closeNote ?? ''}` }]
                : []),
            ]}
          />
          <div>
            <Typography.Title level={5}>
              {a.count > 1 ? t('records.alert.firstEvidence') : t('alerts.evidence')}
            </Typography.Title>
            <AlertEvidence type={a.type} evidence={a.evidence} onOpen={setOpened} />
          </div>
          {a.count > 1 && a.lastEvidence && (
            <div>
              <Typography.Title level={5}>{t('records.alert.lastEvidence')}</Typography.Title>
              <AlertEvidence type={a.type} evidence={a.lastEvidence} onOpen={setOpened} />
            </div>
          )}
        </Space>
      )}
      <MachineTimelineDrawer machineId={opened?.kind === 'machine' ? opened.id : null} onClose={close} />
      <WelderDrawer
        welderId={opened?.kind === 'welder' ? opened.id : null}
        canManage={false}
        trainingTiers={[]}
        onClose={close}
        onChanged={() => undefined}
      />
      <PermitDrawer
        permitId={opened?.kind === 'permit' ? opened.id : null}
        canAct={false}
        onClose={close}
        onChanged={() => undefined}
      />
    </Drawer>
  );
}
