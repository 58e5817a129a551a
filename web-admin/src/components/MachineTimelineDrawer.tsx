import { Badge, Descriptions, Drawer, Tabs, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, type Paginated } from '../api/client';
import type { components } from '../api/schema';
import type { AlertView, MachineView } from '../api/types';
import { ChipHistory } from './machines/ChipHistory';
import { useApi } from '../hooks/useApi';
import { useKeysetList, type KeysetListState } from '../hooks/useKeysetList';
import { fmtTime } from './format';
import { arcFlagText, deviceStateText, grantSourceText, grantStatusText } from './device-codes';
import { EnumTag } from './tags';
import { EmptyState, ErrorState, InlineLoading } from './states';
import { KeysetMore } from './KeysetMore';

type DeviceStatus = components['schemas']['DeviceStatusView'];
type DecisionView = components['schemas']['DecisionViewDto'];
type GrantView = components['schemas']['GrantViewDto'];
type ArcView = components['schemas']['ArcView'];

/** Who worked or asked: the welder's name, when the record names one. */
function WelderName({ name }: { name: string | null | undefined }) {
  return name ? <span data-testid="timeline-welder"> · {name}</span> : null;
}

/** A 404 from an optional endpoint (devices/authorization not deployed) is "no data", not an error. */
function Section<T>({
  state,
  render,
}: {
  state: { data?: T; error: unknown; loading: boolean; reload: () => void };
  render: (d: T) => React.ReactNode;
}) {
  const { t } = useTranslation();
  if (state.loading && !state.data) return <InlineLoading />;
  if (state.error) {
    if (state.error instanceof ApiError && state.error.status === 404)
      return <EmptyState description={t('timeline.notAvailable')} />;
    return <ErrorState error={state.error} onRetry={state.reload} />;
  }
  return state.data ? <>{render(state.data)}</> : null;
}

/** Drill-down from an alert: the machine's code, device status, alerts, arcs, decisions and grants. */
export function MachineTimelineDrawer({ machineId, onClose }: { machineId: string | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const open = !!machineId;
  const machine = useApi<MachineView>(open ? `/api/machines/${machineId}` : null);
  const device = useApi<DeviceStatus>(open ? `/api/machines/${machineId}/device` : null);
  const alerts = useApi<Paginated<AlertView>>(open ? '/api/alerts' : null, {
    query: { machineId: machineId ?? undefined, pageSize: 50 },
  });
  const decisions = useKeysetList<DecisionView>(open ? '/api/decisions' : null, {
    query: { machineId: machineId ?? undefined, pageSize: 50 },
  });
  const grants = useKeysetList<GrantView>(open ? '/api/grants' : null, {
    query: { machineId: machineId ?? undefined, pageSize: 50 },
  });
  const arcs = useKeysetList<ArcView>(open ? '/api/arcs' : null, {
    query: { machineId: machineId ?? undefined, pageSize: 50 },
  });
  const en = i18n.language === 'en';

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={Math.min(640, window.innerWidth)}
      title={t('timeline.title')}
      destroyOnHidden
      data-testid="machine-timeline"
    >
      <Section
        state={machine}
        render={(m) => (
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('machines.name')}>{m.name}</Descriptions.Item>
            <Descriptions.Item label={t('common.enterprise')}>{m.enterpriseName}</Descriptions.Item>
            <Descriptions.Item label={t('common.status')}>
              <EnumTag kind="machineStatus" value={m.status} /> {m.statusReason}
            </Descriptions.Item>
            <Descriptions.Item label={t('machines.serialNumber')}>
              {m.manufacturer} {m.model} · {m.serialNumber}
            </Descriptions.Item>
            {m.ratedCurrentA ? (
              <Descriptions.Item label={t('machines.ratedCurrent')}>{m.ratedCurrentA} A</Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('timeline.code')}>
              {m.code ? <Typography.Text copyable>{m.code.code}</Typography.Text> : t('timeline.noCode')}
            </Descriptions.Item>
            <Descriptions.Item label={t('timeline.chip')}>{m.chipId ?? t('timeline.noChip')}</Descriptions.Item>
          </Descriptions>
        )}
      />
      <div style={{ height: 12 }} />
      <Section
        state={device}
        render={(d) =>
          d.chipId ? (
            <Descriptions size="small" column={2} bordered>
              <Descriptions.Item label={t('timeline.device')}>
                <Badge
                  status={d.online ? 'success' : 'default'}
                  text={d.online ? t('timeline.online') : t('timeline.offline')}
                />{' '}
                {d.state ? deviceStateText(d.state, t) : ''}
              </Descriptions.Item>
              <Descriptions.Item label={t('timeline.lastSeen')}>{fmtTime(d.lastSeenAt)}</Descriptions.Item>
              {d.faults?.length ? (
                <Descriptions.Item label={t('alertEvidence.faultList')} span={2}>
                  <Typography.Text type="danger">
                    {d.faults
                      .map((f) => t(`alertEvidence.faults.${f}`, { defaultValue: t('alertEvidence.unknown') }))
                      .join('、')}
                  </Typography.Text>
                </Descriptions.Item>
              ) : null}
              {d.offlineArmedSince ? (
                <Descriptions.Item label={t('timeline.offlineArmedSince')} span={2}>
                  <Typography.Text type="danger">
                    {fmtTime(d.offlineArmedSince)}
                    {d.onsiteCheckAt ? ` · ${t('timeline.onsiteCheckAsked', { at: fmtTime(d.onsiteCheckAt) })}` : ''}
                  </Typography.Text>
                </Descriptions.Item>
              ) : null}
            </Descriptions>
          ) : null
        }
      />
      <Tabs
        style={{ marginTop: 8 }}
        items={[
          {
            key: 'alerts',
            label: t('timeline.alerts'),
            children: (
              <Section
                state={alerts}
                render={(p) =>
                  p.items.length ? (
                    <Timeline
                      items={p.items.map((a) => ({
                        color: a.severity === 'critical' ? 'red' : a.severity === 'warning' ? 'orange' : 'blue',
                        children: (
                          <>
                            <div>
                              {fmtTime(a.lastSeenAt)} <EnumTag kind="alertState" value={a.state} />
                            </div>
                            <div>
                              {en ? a.titleEn : a.title} ×{a.count}
                              <WelderName name={a.welderName} />
                            </div>
                          </>
                        ),
                      }))}
                    />
                  ) : (
                    <EmptyState description={t('timeline.noEvents')} />
                  )
                }
              />
            ),
          },
          {
            key: 'arcs',
            label: t('timeline.arcs'),
            children: (
              <KeysetTimeline
                list={arcs}
                testId="timeline-arcs"
                item={(a) => ({
                  color: a.authorized === false ? 'red' : 'green',
                  children: (
                    <div data-testid="timeline-arc">
                      {fmtTime(a.startedAt)}
                      <WelderName name={a.welderName} /> ·{' '}
                      {a.current && a.voltage
                        ? t('timeline.arcLine', {
                            seconds: Math.round(a.durationMs / 100) / 10,
                            current: Math.round(a.current.mean ?? 0),
                            voltage: Math.round((a.voltage.mean ?? 0) * 10) / 10,
                          })
                        : t('timeline.arcLineNoStats', { seconds: Math.round(a.durationMs / 100) / 10 })}
                      {a.interrupted ? (
                        <Typography.Text type="warning">
                          {' '}
                          · {t(`timeline.arcInterrupted.${a.interrupted}`)}
                        </Typography.Text>
                      ) : null}
                      {a.authorized === false ? (
                        <Typography.Text type="danger"> · {t('timeline.arcUnauthorized')}</Typography.Text>
                      ) : null}
                      {a.flags.length ? (
                        <Typography.Text type="secondary">
                          {' '}
                          ({a.flags.map((f) => arcFlagText(f, t)).join('、')})
                        </Typography.Text>
                      ) : null}
                    </div>
                  ),
                })}
              />
            ),
          },
          {
            key: 'decisions',
            label: t('timeline.decisions'),
            children: (
              <KeysetTimeline
                list={decisions}
                testId="timeline-decisions"
                item={(d) => ({
                  color: d.allowed ? 'green' : 'red',
                  children: (
                    <div data-testid="timeline-decision">
                      {fmtTime(d.at)}
                      <WelderName name={d.welderName} /> · {en ? d.message.en : d.message['zh-CN']}{' '}
                      <Typography.Text type="secondary">({grantSourceText(d.source, t)})</Typography.Text>
                    </div>
                  ),
                })}
              />
            ),
          },
          {
            key: 'grants',
            label: t('timeline.grants'),
            children: (
              <KeysetTimeline
                list={grants}
                testId="timeline-grants"
                item={(g) => ({
                  color: g.status === 'active' ? 'green' : g.status === 'revoked' ? 'red' : 'gray',
                  children: (
                    <div data-testid="timeline-grant">
                      {fmtTime(g.issuedAt)} → {fmtTime(g.expiresAt)}
                      <WelderName name={g.welderName} /> · {grantStatusText(g.status, t)} ·{' '}
                      {grantSourceText(g.source, t)}
                    </div>
                  ),
                })}
              />
            ),
          },
          {
            key: 'chips',
            label: t('chipBinding.history'),
            children: machineId ? <ChipHistory machineId={machineId} /> : null,
          },
        ]}
      />
    </Drawer>
  );
}

/** One of the machine's records, newest first; "load more" follows the server's cursor (no page
 * numbers: a busy machine has years of arcs and decisions, and the 500th page loads as fast as the first). */
function KeysetTimeline<T>({
  list,
  testId,
  item,
}: {
  list: KeysetListState<T>;
  testId: string;
  item: (row: T) => { color: string; children: React.ReactNode };
}) {
  const { t } = useTranslation();
  if (list.loading && !list.items.length) return <InlineLoading />;
  if (list.error) {
    if (list.error instanceof ApiError && list.error.status === 404)
      return <EmptyState description={t('timeline.notAvailable')} />;
    return <ErrorState error={list.error} onRetry={list.reload} />;
  }
  if (!list.items.length) return <EmptyState description={t('timeline.noEvents')} />;
  return (
    <>
      <Timeline items={list.items.map(item)} />
      <KeysetMore list={list} testId={testId} />
    </>
  );
}
