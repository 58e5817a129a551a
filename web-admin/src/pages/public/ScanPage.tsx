import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { WelderPhoto } from '../../components/welders/WelderPhoto';
import { useApi } from '../../hooks/useResource';
import { Alert, Button, Card, Fields, Icon, Result, Skeleton, Tag } from '../../shell/phone/kit';
import type { IconName } from '../../shell/phone/icons';
import { parseScannedCode } from './codes';
import { PublicLayout } from './PublicLayout';
import { scanPath, type PublicMachineScan, type PublicScan, type PublicWelderScan } from './publicApi';

/** /q/:code: what anyone learns by scanning a machine's or welder's QR label. */
export default function ScanPage() {
  const { t } = useTranslation();
  const params = useParams();
  const code = parseScannedCode(params.code ?? '') ?? params.code ?? '';
  const { data, error, loading, reload } = useApi<PublicScan>(code ? scanPath(code) : null, { anonymous: true });
  const reportLink = `/report?code=${encodeURIComponent(code)}`;

  let body: ReactNode;
  if (loading)
    body = (
      <Card testId="scan-loading">
        <Skeleton rows={5} />
      </Card>
    );
  else if (error) body = <ScanError error={error} onRetry={reload} />;
  else if (data?.type === 'machine') body = <MachineCard scan={data} />;
  else if (data?.type === 'welder') body = <WelderCard scan={data} />;

  return (
    <PublicLayout>
      <div className="k-stack">
        {body}
        <Card compact>
          <p className="k-muted" style={{ marginBottom: 8 }}>
            {t('public.scan.reportHint')}
          </p>
          <Link to={reportLink} className="k-btn k-btn-danger k-block k-large m-report-btn" data-testid="report-button">
            <Icon name="alert" />
            <span>{t('public.scan.reportButton')}</span>
          </Link>
        </Card>
        <span className="k-muted m-code" data-testid="scanned-code">
          {t('public.scan.codeLabel')}: {code || '—'}
        </span>
      </div>
    </PublicLayout>
  );
}

function Verdict({ tone, icon, title }: { tone: 'success' | 'warning' | 'error'; icon: IconName; title: string }) {
  const { t } = useTranslation();
  return (
    <div className={`k-row k-verdict k-${tone}`} style={{ flexWrap: 'nowrap', alignItems: 'flex-start' }}>
      <Icon name={icon} className="k-verdict-icon" />
      <div>
        <h3 className="k-verdict-title" data-testid="scan-verdict">
          {title}
        </h3>
        <span className="k-muted">{t('public.scan.genuine')}</span>
      </div>
    </div>
  );
}

function MachineCard({ scan }: { scan: PublicMachineScan }) {
  const { t } = useTranslation();
  const { machine, enterprise } = scan;
  const retiredOrStopped = !machine.registered;
  const enterpriseActive = enterprise.status === 'active';
  const verdict = retiredOrStopped
    ? {
        icon: 'stop' as const,
        title: t('public.scan.machineStopped', { status: t(`machineStatus.${machine.status}`) }),
        tone: 'error' as const,
      }
    : !enterpriseActive
      ? {
          icon: 'warn' as const,
          title: t('public.scan.enterpriseNotActive', { status: t(`enterpriseStatus.${enterprise.status}`) }),
          tone: 'warning' as const,
        }
      : { icon: 'check' as const, title: t('public.scan.machineRegistered'), tone: 'success' as const };
  const authorised = scan.authorisation.authorisedNow;
  return (
    <Card testId="scan-machine">
      <div className="k-stack">
        <Verdict {...verdict} />
        <Fields
          bordered
          rows={[
            [t('public.scan.machineName'), machine.name],
            [t('public.scan.kind'), t(`machineKind.${machine.kind}`)],
            [
              t('public.scan.status'),
              <Tag key="s" tone={machine.registered ? 'success' : 'error'}>
                {t(`machineStatus.${machine.status}`)}
              </Tag>,
            ],
            [
              t('public.scan.owner'),
              <span key="o">
                <span data-testid="scan-owner">{enterprise.name}</span>{' '}
                <Tag tone={enterpriseActive ? 'success' : 'warning'}>{t(`enterpriseStatus.${enterprise.status}`)}</Tag>
              </span>,
            ],
            [
              t('public.scan.chip'),
              machine.chipBound ? (
                <Tag key="c" tone="info">
                  {t('public.scan.chipBound')}
                </Tag>
              ) : (
                <Tag key="c">{t('public.scan.chipNotBound')}</Tag>
              ),
            ],
          ]}
        />
        <Fields
          bordered
          rows={[
            [
              t('public.scan.authorisedNow'),
              <span key="a" data-testid="scan-authorised">
                {authorised ? (
                  <Tag tone="success">
                    {scan.authorisation.unlockedNow ? t('public.scan.unlockedNow') : t('public.scan.permitInForce')}
                  </Tag>
                ) : (
                  <Tag tone="error">{t('public.scan.notAuthorisedNow')}</Tag>
                )}
              </span>,
            ],
          ]}
        />
        <Alert
          tone={
            retiredOrStopped || (!authorised && scan.authorisation.unlockedNow)
              ? 'error'
              : authorised
                ? 'success'
                : machine.chipBound
                  ? 'info'
                  : 'warning'
          }
        >
          {retiredOrStopped
            ? t('public.scan.mustNotWeld')
            : authorised
              ? t('public.scan.authorisedExplain')
              : machine.chipBound
                ? t('public.scan.notAuthorisedExplain')
                : t('public.scan.authorisationNoChip')}
        </Alert>
      </div>
    </Card>
  );
}

function WelderCard({ scan }: { scan: PublicWelderScan }) {
  const { t } = useTranslation();
  const ok = scan.certificate.validToday && scan.welder.status === 'active';
  return (
    <Card testId="scan-welder">
      <div className="k-stack">
        <Verdict
          tone={ok ? 'success' : 'error'}
          icon={ok ? 'check' : 'close'}
          title={ok ? t('public.scan.welderLicensed') : t('public.scan.welderNotLicensed')}
        />
        {scan.welder.photo && (
          <WelderPhoto path={`/api/public/codes/${encodeURIComponent(scan.code)}/photo`} anonymous />
        )}
        <Fields
          bordered
          rows={[
            [t('public.scan.welderName'), scan.welder.maskedName],
            [t('public.scan.status'), t(`welderStatus.${scan.welder.status}`)],
            [
              t('public.scan.certificate'),
              <span key="c">
                <Tag tone={scan.certificate.validToday ? 'success' : 'error'}>
                  {t(`certState.${scan.certificate.state}`)}
                </Tag>{' '}
                {scan.certificate.expiresOn && (
                  <span className="k-muted">{t('public.scan.expiresOn', { date: scan.certificate.expiresOn })}</span>
                )}
              </span>,
            ],
          ]}
        />
      </div>
    </Card>
  );
}

/** Each way a code can fail gets its own plain explanation. */
function ScanError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t, i18n } = useTranslation();
  const code = error instanceof ApiError ? error.code : 'NETWORK_ERROR';
  const details =
    error instanceof ApiError
      ? (error.details as { revokedAt?: string | null; reasonCategory?: string | null } | undefined)
      : undefined;
  switch (code) {
    case 'CODE_FORGED':
      return (
        <Card>
          <Result
            tone="error"
            title={t('public.scan.forgedTitle')}
            subTitle={t('public.scan.forgedText')}
            testId="scan-forged"
          />
        </Card>
      );
    case 'CODE_REVOKED':
      return (
        <Card>
          <Result
            tone="warning"
            title={t('public.scan.revokedTitle')}
            testId="scan-revoked"
            subTitle={t('public.scan.revokedText', {
              date: details?.revokedAt ? new Date(details.revokedAt).toLocaleDateString(i18n.language) : '—',
              reason: t(`public.scan.revokedReason.${details?.reasonCategory ?? 'revoked'}`, {
                defaultValue: t('public.scan.revokedReason.revoked'),
              }),
            })}
          />
        </Card>
      );
    case 'CODE_UNKNOWN':
      return (
        <Card>
          <Result
            tone="warning"
            icon="question"
            title={t('public.scan.unknownTitle')}
            subTitle={t('public.scan.unknownText')}
            testId="scan-unknown"
          />
        </Card>
      );
    case 'CODE_MALFORMED':
      return (
        <Card>
          <Result
            tone="info"
            title={t('public.scan.malformedTitle')}
            subTitle={t('public.scan.malformedText')}
            testId="scan-malformed"
          />
        </Card>
      );
    case 'TOO_MANY_REQUESTS':
      return (
        <Card>
          <Result
            tone="warning"
            title={t('public.scan.tooManyTitle')}
            subTitle={t('public.tooMany')}
            extra={<Button onClick={onRetry}>{t('common.retry')}</Button>}
          />
        </Card>
      );
    default:
      return (
        <Card>
          <Result
            tone="error"
            title={t('common.loadFailed')}
            subTitle={t('public.networkError')}
            extra={
              <Button kind="primary" onClick={onRetry}>
                {t('common.retry')}
              </Button>
            }
            testId="scan-error"
          />
        </Card>
      );
  }
}
