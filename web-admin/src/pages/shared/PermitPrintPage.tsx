import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { components } from '../../api/schema';
import { fmtDate, fmtTime } from '../../components/format';
import { trailLine } from '../../components/permits/permit-trail';
import { ErrorState, PageLoading } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import './permit-print.css';

type PrintView = components['schemas']['PermitPrintView'];

/**
 * The 动火安全作业票 as the paper form of GB 30871-2022 lays it out, on one A4 page: number and QR
 * code, level, place, content, window, welders and their certificates, fire watcher, gas analyses,
 * safety measures, and the signatures of the applicant and each approver with their times.
 */
export default function PermitPrintPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const { data, error, loading, reload } = useApi<PrintView>(id ? `/api/permits/${id}/print` : null);
  if (loading && !data) return <PageLoading />;
  if (error || !data) return <ErrorState error={error} onRetry={reload} />;
  const p = data.permit;
  const round = p.trail.filter((e) => e.round === p.approval.round && !e.extensionId);
  const submitted = [...round].reverse().find((e) => e.action === 'submitted');
  const chain = p.approval.chain ?? [];
  const approvals = chain.map((position, step) => ({
    position,
    entry: round.find((e) => e.action === 'approved' && e.step === step),
  }));
  const closed = p.trail.find((e) => e.action === 'closed');
  const cell = (v: string | null | undefined) => (v && v.trim() ? v : '—');

  return (
    <div className="permit-print-page" data-testid="permit-print-page">
      <div className="permit-print-toolbar">
        <Button onClick={() => window.history.back()}>{t('common.back')}</Button>
        <Button type="primary" onClick={() => window.print()} data-testid="permit-print-button">
          {t('permitPrint.print')}
        </Button>
      </div>
      <div className="permit-sheet">
        <div className="permit-sheet-head">
          <div>
            <div>{t('permitPrint.enterpriseLine', { name: p.enterpriseName })}</div>
            <div>
              {t('permitPrint.noLabel')}
              <strong data-testid="permit-print-no">{p.permitNo}</strong>
              {p.status === 'suspended' && (
                <span className="stamp-suspended" style={{ marginLeft: 8 }}>
                  {t('permitStatus.suspended')}
                </span>
              )}
            </div>
          </div>
          <img src={data.qrDataUrl} alt={t('permitPrint.qrAlt')} data-testid="permit-print-qr" />
        </div>
        <h1>{t('permitPrint.title')}</h1>
        <table>
          <tbody>
            <tr>
              <th>{t('permitPrint.level')}</th>
              <td>
                {t(`permitLevel.${p.effectiveLevel}`)}
                {p.levelUpgradeReasons.length > 0 && (
                  <div>{t('permits.upgrade', { reasons: p.levelUpgradeReasons.map((r) => r.label).join('、') })}</div>
                )}
              </td>
              <th>{t('permitPrint.status')}</th>
              <td>{t(`permitStatus.${p.status}`)}</td>
            </tr>
            <tr>
              <th>{t('permitPrint.place')}</th>
              <td colSpan={3}>
                {p.site.address}
                <div>
                  {p.site.point.lat}, {p.site.point.lng}
                  {p.site.geofence.radiusM ? ` · ${t('permitPrint.radius', { m: p.site.geofence.radiusM })}` : ''}
                </div>
              </td>
            </tr>
            <tr>
              <th>{t('permitPrint.content')}</th>
              <td colSpan={3}>{p.workDescription}</td>
            </tr>
            <tr>
              <th>{t('permitPrint.window')}</th>
              <td colSpan={3}>
                {t('permitPrint.fromTo', { from: fmtTime(p.plannedStart), to: fmtTime(p.plannedEnd) })}
              </td>
            </tr>
            <tr>
              <th>{t('permitPrint.welders')}</th>
              <td colSpan={3}>
                {data.welders.map((w) => (
                  <div key={w.id}>
                    {w.realName} · {t('permitPrint.certificate')} {w.certificateNumberMasked} ·{' '}
                    {t('permitPrint.certificateExpires', { date: fmtDate(w.certificateExpiresOn) })}
                  </div>
                ))}
              </td>
            </tr>
            <tr>
              <th>{t('permitPrint.machines')}</th>
              <td>{p.machines.map((m) => m.name).join('、')}</td>
              <th>{t('permitPrint.fireWatcher')}</th>
              <td>{p.fireWatcher ? `${p.fireWatcher.name} ${p.fireWatcher.phoneMasked ?? ''}` : '—'}</td>
            </tr>
          </tbody>
        </table>
        <table className="sub" style={{ marginTop: -1 }}>
          <thead>
            <tr>
              <th colSpan={6}>{t('permitPrint.gasTitle')}</th>
            </tr>
            <tr>
              <th>{t('permitPrint.gasTakenAt')}</th>
              <th>{t('permitPrint.gasName')}</th>
              <th>{t('permitPrint.gasReading')}</th>
              <th>{t('permitPrint.gasPassMark')}</th>
              <th>{t('permitPrint.gasResult')}</th>
              <th>{t('permitPrint.gasAnalyst')}</th>
            </tr>
          </thead>
          <tbody data-testid="permit-print-gas">
            {p.gasAnalyses.length === 0 ? (
              <tr>
                <td colSpan={6}>{t('permitPrint.gasNone', { min: p.gasReadiness.maxAgeMin })}</td>
              </tr>
            ) : (
              p.gasAnalyses.map((g) => (
                <tr key={g.id}>
                  <td>{fmtTime(g.takenAt)}</td>
                  <td>{g.gas}</td>
                  <td>{g.readingPercentVol} %vol</td>
                  <td>≤ {g.passMarkPercentVol} %vol</td>
                  <td>{g.passed ? t('permits.passed') : t('permits.failed')}</td>
                  <td>{g.analyst}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
        <table className="sub" style={{ marginTop: -1 }}>
          <thead>
            <tr>
              <th style={{ width: '10mm' }}>{t('permitPrint.seq')}</th>
              <th>{t('permitPrint.measure')}</th>
              <th style={{ width: '22mm' }}>{t('permitPrint.confirmed')}</th>
            </tr>
          </thead>
          <tbody>
            {p.checklist.map((c, i) => (
              <tr key={c.key}>
                <td style={{ textAlign: 'center' }}>{i + 1}</td>
                <td>{t(`checklist.${c.key}`, { defaultValue: c.label })}</td>
                <td style={{ textAlign: 'center' }}>{c.checked ? '✓' : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table style={{ marginTop: -1 }} data-testid="permit-print-signatures">
          <tbody>
            <tr>
              <th>{t('permitPrint.applicant')}</th>
              <td className="sign">
                {submitted ? trailLine(submitted, t) : cell(p.applicant.username)}
                <div className="sign-meta">
                  {t('permitPrint.signedAt', { at: fmtTime(submitted?.occurredAt ?? p.submittedAt) })}
                </div>
              </td>
            </tr>
            {approvals.map(({ position, entry }, step) => (
              <tr key={`${position}-${step}`}>
                <th>{t(`position.${position}`)}</th>
                <td className="sign">
                  {entry ? (
                    <>
                      {t('permitPrint.opinion', { remark: cell(entry.remark) })}
                      <div className="sign-meta">
                        <span>{t('permitPrint.signerLine', { name: entry.actorName ?? entry.actorUsername })}</span>
                        <span>{t('permitPrint.signedAt', { at: fmtTime(entry.occurredAt) })}</span>
                      </div>
                    </>
                  ) : (
                    t('permitPrint.unsigned')
                  )}
                </td>
              </tr>
            ))}
            <tr>
              <th>{t('permitPrint.completion')}</th>
              <td className="sign">
                {closed
                  ? t('permitPrint.closedText', {
                      stopped: fmtTime(p.workStoppedAt),
                      watchEnded: fmtTime(p.fireWatchEndedAt),
                      who: trailLine(closed, t),
                    })
                  : '—'}
              </td>
            </tr>
          </tbody>
        </table>
        <div className="foot">{t('permitPrint.footer', { link: data.link })}</div>
      </div>
    </div>
  );
}
