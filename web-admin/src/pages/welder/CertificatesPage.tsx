import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session';
import { useApi } from '../../hooks/useResource';
import { Card, Empty, ErrorBox, Skeleton, Tag } from '../../shell/phone/kit';
import type { WelderCertificate, WelderDetail } from './welderApi';

const SIX_YEARS_DAYS = 6 * 365;

function toneOf(c: WelderCertificate): 'success' | 'warning' | 'error' {
  if (c.validity !== 'valid') return 'error';
  return c.daysToExpiry <= 90 ? 'warning' : 'success';
}
const BAR = { success: '#52c41a', warning: '#fa8c16', error: '#f5222d' };

/** /w/certificates: my special-operation certificates (特种作业操作证), expiry and review dates. */
export default function CertificatesPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { data, error, loading, reload } = useApi<WelderDetail>(
    user?.welderId ? `/api/welders/${user.welderId}` : null,
  );

  if (loading)
    return (
      <Card>
        <Skeleton rows={6} />
      </Card>
    );
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return null;
  if (!data.certificates.length) {
    return (
      <Card testId="certificates-empty">
        <Empty>{t('welder.certificates.empty')}</Empty>
      </Card>
    );
  }
  return (
    <Card title={t('welder.certificates.title')} testId="welder-certificates">
      <div className="k-list">
        {data.certificates.map((c) => {
          const left = Math.max(0, Math.min(100, Math.round((c.daysToExpiry / SIX_YEARS_DAYS) * 100)));
          const tone = toneOf(c);
          return (
            <div key={c.id} className="k-stack" style={{ gap: 4 }}>
              <div className="k-row">
                <strong>{t(`subOperation.${c.subOperation}`, { defaultValue: c.subOperation })}</strong>
                <Tag tone={tone} testId="certificate-validity">
                  {t(`certState.${c.validity}`, { defaultValue: c.validity })}
                </Tag>
              </div>
              <span className="k-muted m-code">{c.certificateNumberMasked}</span>
              <span>
                {t('welder.certificates.expires', { date: c.expiresOn })}
                {c.validity === 'valid' && <> · {t('welder.certificates.daysLeft', { count: c.daysToExpiry })}</>}
              </span>
              <div className="k-progress" role="presentation">
                <span style={{ width: `${left}%`, background: BAR[tone] }} />
              </div>
              <span className="k-muted">
                {t('welder.certificates.review', { date: c.reviewDueOn })}
                {c.lastReviewedOn && <> · {t('welder.certificates.lastReview', { date: c.lastReviewedOn })}</>}
              </span>
              {c.issuingAuthority && <span className="k-muted">{c.issuingAuthority}</span>}
            </div>
          );
        })}
      </div>
    </Card>
  );
}
