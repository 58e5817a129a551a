import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import { useApi } from '../../hooks/useResource';
import { errorText } from '../../i18n/errors';
import { Alert, Button, Card, Empty, ErrorBox, Fields, Skeleton, Tag } from '../../shell/phone/kit';
import type { ArmSessionResult, ArmSessionView, WorkSession } from './welderApi';

/** 1:02:05 or 2:05: durations read the same in both languages. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

const FINAL = new Set(['expired', 'revoked']);

/**
 * After 已授权开机: what the machine does with the grant, from the device's reports (waiting for the relay,
 * relay closed, arc burning, ended), and 结束作业, which revokes the grant so the machine locks.
 */
export function WorkProgress({
  result,
  session,
  onChange,
}: {
  result: ArmSessionResult;
  session: ArmSessionView | null;
  onChange: (s: ArmSessionView) => void;
}) {
  const { t, i18n } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [ending, setEnding] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const work = session?.work;
  const phase = work?.phase ?? 'waiting';
  const now = useNow(phase === 'arcing');
  const time = (iso?: string | null) =>
    iso
      ? new Date(iso).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
      : '—';
  const when = (iso?: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language) : '—');
  const status = session?.status ?? (result.delivered ? 'delivered' : 'pending');
  const ended = phase === 'ended' || FINAL.has(status);
  // Once the machine took the grant, delivery stays "unlocked"; how the work ended is the last step's.
  const delivery = session?.usedAt ? 'armed' : status;
  const relayDone = !!work?.relayClosedAt;

  const end = async () => {
    setEnding(true);
    setFailure(null);
    try {
      onChange(await apiFetch<ArmSessionView>(`/api/arm-sessions/${result.sessionId}/end`, { method: 'POST' }));
      setConfirming(false);
    } catch (e) {
      setFailure(errorText(t, e));
    } finally {
      setEnding(false);
    }
  };

  const step = (done: boolean, current: boolean) => (done ? 'k-done' : current ? 'k-now' : undefined);
  return (
    <Card title={t('welder.work.title')} testId="work-progress">
      <div className="k-stack">
        <Fields
          bordered
          rows={[
            [t('welder.start.expiresAt'), when(result.grant?.expiresAt)],
            [
              t('welder.start.delivery'),
              <span key="d" data-testid="start-delivery">
                <Tag tone={delivery === 'armed' ? 'success' : FINAL.has(delivery) ? 'neutral' : 'info'}>
                  {t(`welder.start.sessionStatus.${delivery}`)}
                </Tag>
              </span>,
            ],
            ...(!result.delivered && !session?.delivered
              ? [[t('welder.start.pushDeadline'), when(result.pushDeadline)] as [string, string]]
              : []),
          ]}
        />
        <div className={`k-alert k-${ended ? 'info' : phase === 'waiting' ? 'warning' : 'success'}`} role="status">
          <div>
            <div className="k-alert-title" data-testid="work-phase" data-phase={phase}>
              {t(`welder.work.phase.${phase}`)}
            </div>
            {phase === 'arcing' && work?.arcStartedAt && (
              <div className="k-big-number" data-testid="work-arc-running">
                {duration(now - Date.parse(work.arcStartedAt))}
              </div>
            )}
          </div>
        </div>
        {work && !work.deviceOnline && !ended && <Alert tone="warning">{t('welder.work.deviceOffline')}</Alert>}
        <ol className="k-steps" data-testid="work-steps">
          <li className={step(delivery === 'armed' || relayDone, !ended && delivery !== 'armed')}>
            <div className="k-step-title">{t('welder.work.stepDelivered')}</div>
            <div className="k-muted">{t(`welder.start.sessionStatus.${delivery}`)}</div>
          </li>
          <li className={step(relayDone, !ended && delivery === 'armed' && !relayDone)} data-testid="work-relay">
            <div className="k-step-title">{t('welder.work.stepRelay')}</div>
            <div className="k-muted">
              {relayDone
                ? t('welder.work.relayClosedAt', { time: time(work?.relayClosedAt) })
                : t('welder.work.relayWaiting')}
            </div>
          </li>
          <li
            className={step((work?.arcCount ?? 0) > 0, phase === 'arcing' || phase === 'relay_closed')}
            data-testid="work-arcs"
          >
            <div className="k-step-title">{t('welder.work.stepArc')}</div>
            <div className="k-muted">
              {phase === 'arcing' && work?.arcStartedAt
                ? t('welder.work.arcRunning', { time: time(work.arcStartedAt) })
                : !work?.arcCount
                  ? t('welder.work.noArcYet')
                  : t('welder.work.arcsDone', { n: work.arcCount, duration: duration(work.arcMs) })}
            </div>
            {work?.lastArc && (
              <div className="k-muted" data-testid="work-last-arc">
                {work.lastArc.currentMeanA !== null
                  ? t('welder.work.lastArc', {
                      duration: duration(work.lastArc.durationMs),
                      mean: Math.round(work.lastArc.currentMeanA),
                      max: Math.round(work.lastArc.currentMaxA ?? work.lastArc.currentMeanA),
                    })
                  : t('welder.work.lastArcCut', { duration: duration(work.lastArc.durationMs) })}
              </div>
            )}
          </li>
          <li className={step(ended, false)} data-testid="work-ended">
            <div className="k-step-title">{t('welder.work.stepEnded')}</div>
            <div className="k-muted">
              {ended
                ? [
                    work?.endedAt ? t('welder.work.endedAt', { time: time(work.endedAt) }) : null,
                    session?.revokeReason ? t(`records.reason.${session.revokeReason}`) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')
                : '—'}
            </div>
          </li>
        </ol>
        {failure && (
          <Alert tone="error" testId="end-work-failure">
            {failure}
          </Alert>
        )}
        {!ended &&
          (confirming ? (
            <div className="k-alert k-warning" data-testid="end-work-confirm">
              <div className="k-stack" style={{ width: '100%' }}>
                <div className="k-alert-title">{t('welder.work.endConfirm')}</div>
                <div className="k-row" style={{ flexWrap: 'nowrap' }}>
                  <Button block onClick={() => setConfirming(false)} disabled={ending}>
                    {t('common.cancel')}
                  </Button>
                  <Button kind="danger" block loading={ending} onClick={() => void end()} testId="end-work-yes">
                    {t('welder.work.endYes')}
                  </Button>
                </div>
              </div>
            </div>
          ) : (
            <Button kind="danger" block large icon="lock" onClick={() => setConfirming(true)} testId="end-work">
              {t('welder.work.end')}
            </Button>
          ))}
      </div>
    </Card>
  );
}

function startOfToday(): string {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

/** 今日作业: the welder's phone starts since local midnight: machine, permit, start–end, arc time. */
export function TodayWork({ refresh }: { refresh: number }) {
  const { t, i18n } = useTranslation();
  const [from] = useState(startOfToday);
  const day = useApi<WorkSession[]>('/api/arm-sessions', { query: { from } });
  const { reload } = day;
  useEffect(() => {
    if (refresh > 0) reload();
  }, [refresh, reload]);
  const hm = (iso: string) => new Date(iso).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' });
  const rows = (day.data ?? []).filter((s) => s.status !== 'pending' || s.relayClosedAt);
  return (
    <Card title={t('welder.today.title')} testId="today-work">
      {day.loading && !day.data && <Skeleton rows={2} />}
      {day.error != null && <ErrorBox error={day.error} onRetry={day.reload} />}
      {day.data && rows.length === 0 && <Empty>{t('welder.today.empty')}</Empty>}
      {rows.length > 0 && (
        <div className="k-list">
          {rows.map((s) => {
            const running = !s.endedAt && !FINAL.has(s.status);
            return (
              <div key={s.id} data-testid="today-row" className="k-stack" style={{ gap: 2 }}>
                <div className="k-row" style={{ justifyContent: 'space-between' }}>
                  <strong>{s.machineName}</strong>
                  {running ? (
                    <Tag tone="success">{t('welder.today.running')}</Tag>
                  ) : s.revokeReason === 'WORK_ENDED' ? (
                    <Tag>{t('welder.today.ended')}</Tag>
                  ) : s.status === 'revoked' && s.revokeReason ? (
                    <Tag tone="warning">{t(`records.reason.${s.revokeReason}`)}</Tag>
                  ) : (
                    <Tag>{t(`welder.start.sessionStatus.${s.status}`)}</Tag>
                  )}
                </div>
                <span className="k-muted">{s.permitWork}</span>
                <span>
                  {hm(s.relayClosedAt ?? s.requestedAt)}–{s.endedAt ? hm(s.endedAt) : t('welder.today.now')} ·{' '}
                  {t('welder.today.arcTime', { duration: duration(s.arcMs), n: s.arcCount })}
                </span>
              </div>
            );
          })}
        </div>
      )}
    </Card>
  );
}
