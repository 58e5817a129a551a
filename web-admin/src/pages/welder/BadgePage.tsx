import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { apiBlob } from '../../api/client';
import { useSession } from '../../auth/session';
import { WelderPhoto } from '../../components/welders/WelderPhoto';
import { useApi } from '../../hooks/useResource';
import { Alert, Card, ErrorBox, Fields, Result, Skeleton, Tag } from '../../shell/phone/kit';
import type { WelderDetail } from './welderApi';

const GOOD_STATES = new Set(['valid', 'expiring_90d']);

/** /w: my badge code (我的焊工码) to show at a machine or to an inspector. */
export default function BadgePage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const welderId = user?.welderId ?? null;
  const welder = useApi<WelderDetail>(welderId ? `/api/welders/${welderId}` : null);
  const [qr, setQr] = useState<{ url: string } | { error: unknown } | null>(null);
  const [tick, setTick] = useState(0);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!welderId) return;
    let url: string | null = null;
    let live = true;
    setQr(null);
    apiBlob(`/api/codes/welders/${welderId}/qr.png`, { query: { size: 600 } })
      .then(({ blob }) => {
        url = URL.createObjectURL(blob);
        if (live) setQr({ url });
      })
      .catch((error: unknown) => live && setQr({ error }));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [welderId, tick]);

  if (!welderId) return <Result tone="warning" title={t('welder.notLinked')} subTitle={t('welder.notLinkedText')} />;

  return (
    <div className="k-stack">
      <Card title={t('welder.badge.title')} testId="welder-badge">
        <WelderPhoto path={`/api/welders/${welderId}/photo/image`} />
        {qr === null && <div className="m-badge-qr k-skeleton-box" aria-hidden="true" />}
        {qr && 'url' in qr && (
          <img className="m-badge-qr" src={qr.url} alt={t('welder.badge.qrAlt')} data-testid="badge-qr" />
        )}
        {qr && 'error' in qr && <ErrorBox error={qr.error} onRetry={() => setTick((x) => x + 1)} />}
        {welder.data?.code && (
          <div className="k-row" style={{ justifyContent: 'center', margin: '12px 0' }}>
            <span className="m-code" data-testid="badge-code">
              {welder.data.code.code}
            </span>
            {navigator.clipboard && (
              <button
                type="button"
                className="k-btn"
                style={{ minHeight: 28, padding: '0 10px', fontSize: 13 }}
                onClick={() => {
                  const code = welder.data?.code?.code ?? '';
                  void navigator.clipboard.writeText(code).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  );
                }}
              >
                {copied ? t('welder.badge.copied') : t('welder.badge.copy')}
              </button>
            )}
          </div>
        )}
        <p className="k-muted">{t('welder.badge.hint')}</p>
      </Card>
      {welder.loading && (
        <Card>
          <Skeleton rows={3} />
        </Card>
      )}
      {welder.error != null && <ErrorBox error={welder.error} onRetry={welder.reload} />}
      {welder.data && (
        <Card compact>
          <Fields
            rows={[
              [t('welder.badge.name'), welder.data.realName],
              [t('welder.badge.employer'), welder.data.employerName],
              [
                t('welder.badge.certificate'),
                <Tag
                  key="state"
                  tone={GOOD_STATES.has(welder.data.certificateState) ? 'success' : 'error'}
                  testId="badge-cert-state"
                >
                  {t(`certState.${welder.data.certificateState}`)}
                </Tag>,
              ],
            ]}
          />
          {!GOOD_STATES.has(welder.data.certificateState) && (
            <Alert tone="error">{t('welder.badge.noValidCertificate')}</Alert>
          )}
          <Link
            to="/w/start"
            className="k-btn k-btn-primary k-block k-large"
            style={{ marginTop: 12 }}
            data-testid="badge-start"
          >
            {t('welder.badge.startButton')}
          </Link>
        </Card>
      )}
    </div>
  );
}
