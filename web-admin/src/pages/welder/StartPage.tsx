import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch, type Paginated } from '../../api/client';
import { useSession } from '../../auth/session';
import { useApi } from '../../hooks/useResource';
import { errorText } from '../../i18n/errors';
import { Alert, Button, Card, Empty, ErrorBox, Result, Skeleton } from '../../shell/phone/kit';
import { isMachineCode, parseScannedCode } from '../public/codes';
import { scanPath, type PublicScan } from '../public/publicApi';
import { QrScanner } from './QrScanner';
import { TodayWork, WorkProgress } from './WorkProgress';
import type { ArmSessionResult, ArmSessionView, PermitSummary } from './welderApi';

type Fix = { lat: number; lng: number; accuracyM: number };

function currentPosition(): Promise<Fix> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) return reject(new Error('unsupported'));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude, accuracyM: Math.max(0, p.coords.accuracy) }),
      (e) => reject(new Error(e.code === e.PERMISSION_DENIED ? 'denied' : 'failed')),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  });
}

/** Polling period of the session while the machine works: the relay and the arc show within this. */
const FOLLOW_MS = 2000;
const FINAL = new Set(['expired', 'revoked']);

/**
 * /w/start: scan the machine, pick the permit, ask for the arc (扫码启动), see the grant or the reason;
 * then follow the machine (relay closed → arc → ended), end the work (结束作业) and see today's work.
 */
export default function StartPage() {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const [typed, setTyped] = useState('');
  const [code, setCode] = useState<string | null>(null);
  const [permitId, setPermitId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [result, setResult] = useState<ArmSessionResult | null>(null);
  const [session, setSession] = useState<ArmSessionView | null>(null);
  const [dayTick, setDayTick] = useState(0);
  const [pollTick, setPollTick] = useState(0);
  const lang: 'zh-CN' | 'en' = i18n.language === 'en' ? 'en' : 'zh-CN';

  const machine = useApi<PublicScan>(code ? scanPath(code) : null, { anonymous: true });
  const nowIso = useMemo(() => new Date().toISOString(), []);
  const permits = useApi<Paginated<PermitSummary>>(user?.welderId ? '/api/permits' : null, {
    query: { welderId: user?.welderId, activeAt: nowIso, pageSize: 50 },
  });
  // Memoized: a fresh `[]` each render would re-run the effect below on every render.
  const list = useMemo(() => permits.data?.items ?? [], [permits.data]);

  useEffect(() => {
    if (!permitId && list.length === 1) setPermitId(list[0].id);
  }, [list, permitId]);

  // Follow the session: delivery, then what the machine reports (relay, arc), until it has ended.
  const phase = session?.work.phase;
  useEffect(() => {
    const id = result?.sessionId;
    if (!id || (session && (FINAL.has(session.status) || session.work.phase === 'ended'))) return;
    const timer = setTimeout(
      () => {
        apiFetch<ArmSessionView>(`/api/arm-sessions/${id}`)
          .then(setSession)
          .catch(() => setPollTick((x) => x + 1));
      },
      session ? FOLLOW_MS : 500,
    );
    return () => clearTimeout(timer);
  }, [result, session, pollTick]);
  // Today's list changes when the work does (started, arc done, ended).
  const arcCount = session?.work.arcCount;
  useEffect(() => setDayTick((x) => x + 1), [phase, arcCount]);

  const acceptCode = (raw: string) => {
    setFailure(null);
    setResult(null);
    setSession(null);
    const c = parseScannedCode(raw);
    if (!c) return setFailure(t('welder.start.codeEmpty'));
    setTyped(c);
    setCode(c);
  };

  const request = async () => {
    if (!code || !permitId) return;
    setBusy(true);
    setFailure(null);
    try {
      let position: Fix;
      try {
        position = await currentPosition();
      } catch (e) {
        setFailure(
          e instanceof Error && e.message === 'denied'
            ? t('welder.start.locationDenied')
            : t('welder.start.locationFailed'),
        );
        return;
      }
      setResult(
        await apiFetch<ArmSessionResult>('/api/arm-sessions', {
          method: 'POST',
          body: { machineCode: code, permitId, position },
        }),
      );
    } catch (e) {
      setFailure(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const reset = () => {
    setCode(null);
    setTyped('');
    setResult(null);
    setSession(null);
    setFailure(null);
  };

  if (result) {
    return (
      <div className="k-stack">
        <Card testId="start-result">
          {result.allowed ? (
            <Result
              tone="success"
              title={t('welder.start.granted')}
              subTitle={result.message[lang]}
              extra={<Button onClick={reset}>{t('welder.start.again')}</Button>}
            />
          ) : (
            <Result
              tone="error"
              title={t('welder.start.refused')}
              subTitle={<span data-testid="start-refusal">{result.message[lang]}</span>}
              extra={
                <Button kind="primary" onClick={reset}>
                  {t('welder.start.again')}
                </Button>
              }
            />
          )}
        </Card>
        {result.allowed && result.sessionId && <WorkProgress result={result} session={session} onChange={setSession} />}
        <TodayWork refresh={dayTick} />
      </div>
    );
  }

  return (
    <div className="k-stack">
      <Card title={t('welder.start.step1')} testId="start-scan">
        <div className="k-stack">
          <QrScanner onCode={acceptCode} />
          <div className="k-divider">{t('welder.start.orType')}</div>
          <form
            className="k-row"
            style={{ flexWrap: 'nowrap' }}
            onSubmit={(e) => {
              e.preventDefault();
              acceptCode(typed);
            }}
          >
            <input
              className="k-input m-code"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              placeholder={t('welder.start.codeHint')}
              autoCapitalize="characters"
              autoComplete="off"
              spellCheck={false}
              aria-label={t('welder.start.codeHint')}
              data-testid="start-code"
            />
            <button type="submit" className="k-btn k-btn-primary" style={{ minHeight: 40 }} data-testid="start-code-ok">
              {t('common.confirm')}
            </button>
          </form>
          {code && machine.loading && <Skeleton rows={1} />}
          {code && machine.error != null && (
            <Alert tone="error" testId="start-machine-error">
              {errorText(t, machine.error)}
            </Alert>
          )}
          {code && machine.data?.type === 'welder' && <Alert tone="warning">{t('welder.start.notMachine')}</Alert>}
          {code && machine.data?.type === 'machine' && (
            <Alert
              tone={machine.data.machine.registered ? 'success' : 'error'}
              testId="start-machine"
              description={`${machine.data.enterprise.name} · ${t(`machineStatus.${machine.data.machine.status}`)} · ${machine.data.machine.chipBound ? t('public.scan.chipBound') : t('public.scan.chipNotBound')}`}
            >
              {`${machine.data.machine.name} · ${t(`machineKind.${machine.data.machine.kind}`)}`}
            </Alert>
          )}
          {code && !isMachineCode(code) && !machine.loading && machine.error == null && machine.data == null && (
            <Alert tone="warning">{t('welder.start.notMachine')}</Alert>
          )}
        </div>
      </Card>

      <Card title={t('welder.start.step2')} testId="start-permits">
        {permits.loading && <Skeleton rows={2} />}
        {permits.error != null && <ErrorBox error={permits.error} onRetry={permits.reload} />}
        {!permits.loading && permits.error == null && list.length === 0 && <Empty>{t('welder.start.noPermits')}</Empty>}
        {list.length > 0 && (
          <div className="k-stack" role="radiogroup" style={{ gap: 8 }}>
            {list.map((p) => (
              <label key={p.id} className="k-choice">
                <input
                  type="radio"
                  name="permit"
                  value={p.id}
                  checked={permitId === p.id}
                  onChange={() => setPermitId(p.id)}
                  data-testid="permit-option"
                />
                <span>
                  <strong>{p.workDescription}</strong>
                  <br />
                  <span className="k-muted">
                    {p.effectiveLevelLabel} · {p.site.address} ·{' '}
                    {new Date(p.plannedStart).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' })}
                    –
                    {new Date(p.plannedEnd).toLocaleString(i18n.language, {
                      month: 'numeric',
                      day: 'numeric',
                      hour: '2-digit',
                      minute: '2-digit',
                    })}
                  </span>
                </span>
              </label>
            ))}
          </div>
        )}
      </Card>

      {failure && (
        <Alert tone="error" testId="start-failure">
          {failure}
        </Alert>
      )}
      <Button
        kind="primary"
        block
        large
        icon="pin"
        disabled={!code || !permitId || machine.error != null}
        loading={busy}
        onClick={() => void request()}
        testId="start-request"
      >
        {t('welder.start.request')}
      </Button>
      <p className="k-muted">{t('welder.start.locationNote')}</p>
      <TodayWork refresh={dayTick} />
    </div>
  );
}
