import { CheckCircleFilled, ClockCircleOutlined, CloseCircleFilled, EnvironmentOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Divider,
  Input,
  Radio,
  Result,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch, type Paginated } from '../../api/client';
import { errorText } from '../../i18n/errors';
import { useSession } from '../../auth/session';
import { EmptyState, ErrorState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { isMachineCode, parseScannedCode } from '../public/codes';
import { scanPath, type PublicScan } from '../public/publicApi';
import { QrScanner } from './QrScanner';
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

/** /w/start: scan the machine, pick the permit, ask for the arc (扫码启动), see the grant or the reason. */
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

  // Follow delivery to the machine until the device takes the grant (or it lapses).
  useEffect(() => {
    const id = result?.sessionId;
    if (!id || (session && !['pending', 'delivered'].includes(session.status))) return;
    const timer = setTimeout(() => {
      apiFetch<ArmSessionView>(`/api/arm-sessions/${id}`)
        .then(setSession)
        .catch(() => undefined);
    }, 3000);
    return () => clearTimeout(timer);
  }, [result, session]);

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
    const when = (iso?: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language) : '—');
    const delivery = session?.status ?? (result.delivered ? 'delivered' : 'pending');
    return (
      <Card data-testid="start-result">
        {result.allowed ? (
          <>
            <Result
              icon={<CheckCircleFilled style={{ color: '#389e0d' }} />}
              title={t('welder.start.granted')}
              subTitle={result.message[lang]}
              extra={<Button onClick={reset}>{t('welder.start.again')}</Button>}
            />
            {/* Outside the Result body: its padding left a phone too little width, so labels broke one character per line. */}
            <Descriptions column={1} size="small" bordered styles={{ label: { whiteSpace: 'nowrap' } }}>
              <Descriptions.Item label={t('welder.start.expiresAt')}>{when(result.grant?.expiresAt)}</Descriptions.Item>
              <Descriptions.Item label={t('welder.start.delivery')}>
                <span data-testid="start-delivery">
                  {delivery === 'armed' ? (
                    <Tag color="green">{t('welder.start.sessionStatus.armed')}</Tag>
                  ) : (
                    <Tag icon={<ClockCircleOutlined />} color="blue">
                      {t(`welder.start.sessionStatus.${delivery}`)}
                    </Tag>
                  )}
                </span>
              </Descriptions.Item>
              {!result.delivered && (
                <Descriptions.Item label={t('welder.start.pushDeadline')}>
                  {when(result.pushDeadline)}
                </Descriptions.Item>
              )}
            </Descriptions>
          </>
        ) : (
          <Result
            icon={<CloseCircleFilled style={{ color: '#cf1322' }} />}
            title={t('welder.start.refused')}
            subTitle={<span data-testid="start-refusal">{result.message[lang]}</span>}
            extra={
              <Button type="primary" onClick={reset}>
                {t('welder.start.again')}
              </Button>
            }
          />
        )}
      </Card>
    );
  }

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card title={t('welder.start.step1')} data-testid="start-scan">
        <Space direction="vertical" style={{ width: '100%' }}>
          <QrScanner onCode={acceptCode} />
          <Divider plain style={{ margin: '4px 0' }}>
            {t('welder.start.orType')}
          </Divider>
          <Space.Compact style={{ width: '100%' }}>
            <Input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              placeholder={t('welder.start.codePlaceholder')}
              className="m-code"
              data-testid="start-code"
              onPressEnter={() => acceptCode(typed)}
            />
            <Button type="primary" onClick={() => acceptCode(typed)} data-testid="start-code-ok">
              {t('common.confirm')}
            </Button>
          </Space.Compact>
          {code && machine.loading && <Skeleton active paragraph={{ rows: 1 }} />}
          {code && machine.error != null && (
            <Alert type="error" showIcon message={errorText(t, machine.error)} data-testid="start-machine-error" />
          )}
          {code && machine.data?.type === 'welder' && (
            <Alert type="warning" showIcon message={t('welder.start.notMachine')} />
          )}
          {code && machine.data?.type === 'machine' && (
            <Alert
              type={machine.data.machine.registered ? 'success' : 'error'}
              showIcon
              data-testid="start-machine"
              message={`${machine.data.machine.name} · ${t(`machineKind.${machine.data.machine.kind}`)}`}
              description={`${machine.data.enterprise.name} · ${t(`machineStatus.${machine.data.machine.status}`)} · ${machine.data.machine.chipBound ? t('public.scan.chipBound') : t('public.scan.chipNotBound')}`}
            />
          )}
          {code && !isMachineCode(code) && !machine.loading && machine.error == null && machine.data == null && (
            <Alert type="warning" message={t('welder.start.notMachine')} />
          )}
        </Space>
      </Card>

      <Card title={t('welder.start.step2')} data-testid="start-permits">
        {permits.loading && <Skeleton active paragraph={{ rows: 2 }} />}
        {permits.error != null && <ErrorState error={permits.error} onRetry={permits.reload} />}
        {!permits.loading && permits.error == null && list.length === 0 && (
          <EmptyState description={t('welder.start.noPermits')} />
        )}
        {list.length > 0 && (
          <Radio.Group
            value={permitId}
            onChange={(e) => setPermitId(e.target.value as string)}
            style={{ width: '100%' }}
          >
            <Space direction="vertical" style={{ width: '100%' }}>
              {list.map((p) => (
                <Radio key={p.id} value={p.id} data-testid="permit-option">
                  <Typography.Text strong>{p.workDescription}</Typography.Text>
                  <br />
                  <Typography.Text type="secondary">
                    {p.effectiveLevelLabel} · {p.site.address} ·{' '}
                    {new Date(p.plannedStart).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' })}
                    –
                    {new Date(p.plannedEnd).toLocaleString(i18n.language, {
                      month: 'numeric',
                      day: 'numeric',
                      hour: '2-digit',
                      minute: '2-digit',
                    })}
                  </Typography.Text>
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        )}
      </Card>

      {failure && <Alert type="error" showIcon message={failure} data-testid="start-failure" />}
      <Button
        type="primary"
        block
        size="large"
        icon={<EnvironmentOutlined />}
        disabled={!code || !permitId || machine.error != null}
        loading={busy}
        onClick={() => void request()}
        data-testid="start-request"
      >
        {t('welder.start.request')}
      </Button>
      <Typography.Text type="secondary">{t('welder.start.locationNote')}</Typography.Text>
    </Space>
  );
}
