import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { apiBlob, apiFetch, downloadFile } from '../../api/client';
import { useApi } from '../../hooks/useResource';
import { errorText } from '../../i18n/errors';
import { Alert, Button, Card, Empty, ErrorBox, Fields, Skeleton, Tag } from '../../shell/phone/kit';
import { parseScannedCode } from '../public/codes';
import { QrScanner } from '../welder/QrScanner';
import { draftKey, useDraft } from './draft';
import {
  currentPosition,
  HAZARD_CATEGORIES,
  positionOrNone,
  targetPath,
  type InspectionRecord,
  type OnSiteHazard,
  type OnSiteScan,
} from './inspectorApi';
import { SignaturePad, type SignaturePadHandle } from './SignaturePad';

const DAY = 86_400_000;
/** A date input's day as the end of that China working day. */
const deadlineOf = (day: string) => new Date(`${day}T18:00:00+08:00`).toISOString();
const inDays = (n: number) => new Date(Date.now() + n * DAY + 8 * 3600_000).toISOString().slice(0, 10);

function TextArea({
  label,
  value,
  onChange,
  hint,
  testId,
  disabled,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  /** Shown in the empty field: what to write there. */
  hint?: string;
  testId: string;
  disabled?: boolean;
}) {
  return (
    <label>
      <span className="i-label">{label}</span>
      <textarea
        className="i-textarea"
        value={value}
        placeholder={hint}
        maxLength={4000}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    </label>
  );
}

function Labeled({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label>
      <span className="i-label">{label}</span>
      {children}
    </label>
  );
}

/** /i/targets/:planId/:position: the 五现场 record of one enterprise on the inspector's phone. */
export default function TargetPage() {
  const { t, i18n } = useTranslation();
  const { planId = '', position = '' } = useParams();
  const base = targetPath(planId, position);
  const loaded = useApi<InspectionRecord>(`${base}/record`);
  const [record, setRecord] = useState<InspectionRecord | undefined>();
  useEffect(() => setRecord(loaded.data), [loaded.data]);
  const { draft, update, clear } = useDraft(draftKey(planId, position));
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [scan, setScan] = useState<OnSiteScan | null>(null);
  const [typed, setTyped] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [photoInput, setPhotoInput] = useState(0);
  const [inked, setInked] = useState(false);
  const [signatureUrl, setSignatureUrl] = useState<string | null>(null);
  const [verifyNote, setVerifyNote] = useState('');
  const pad = useRef<SignaturePadHandle>(null);
  const fmt = (v: string | null | undefined) => (v ? new Date(v).toLocaleString(i18n.language) : '');

  useEffect(() => {
    if (!record?.hasSignature) return;
    let url: string | null = null;
    apiBlob(`${base}/signature.png`)
      .then(({ blob }) => setSignatureUrl((url = URL.createObjectURL(blob))))
      .catch(() => setSignatureUrl(null));
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [record?.hasSignature, base]);

  if (loaded.loading && !record) return <Skeleton rows={6} />;
  if (loaded.error != null && !record) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (!record) return null;

  const open = record.canAct && record.state === 'checked_in';
  const findings = draft.findings ?? record.findings;
  const explained = draft.explained ?? record.explained;
  const textDirty = findings !== record.findings || explained !== record.explained;

  const run = async (what: string, fn: () => Promise<InspectionRecord | void>, done?: string) => {
    setBusy(what);
    setFailure(null);
    setNotice(null);
    try {
      const next = await fn();
      if (next) setRecord(next);
      if (done) setNotice(done);
    } catch (e) {
      setFailure(errorText(t, e));
    } finally {
      setBusy(null);
    }
  };

  const checkIn = () =>
    run('checkIn', async () => {
      let where: { latitude: number; longitude: number };
      try {
        where = await currentPosition();
      } catch (e) {
        throw new Error(
          e instanceof Error && e.message === 'denied' ? t('inspector.checkIn.denied') : t('inspector.checkIn.failed'),
        );
      }
      await apiFetch(`${base}/check-in`, { method: 'POST', body: where });
      return apiFetch<InspectionRecord>(`${base}/record`);
    });

  const submitScan = (raw: string) =>
    run('scan', async () => {
      const code = parseScannedCode(raw);
      if (!code) throw new Error(t('inspector.scan.empty'));
      setTyped(code);
      const result = await apiFetch<OnSiteScan>(`${base}/scans`, {
        method: 'POST',
        body: { code, ...(await positionOrNone()) },
      });
      setScan(result);
      setTyped('');
      return apiFetch<InspectionRecord>(`${base}/record`);
    });

  const submitNoCode = () =>
    run('noCode', async () => {
      const form = new FormData();
      form.set('description', draft.noCode ?? '');
      const where = await positionOrNone();
      if (where.latitude !== undefined) {
        form.set('latitude', String(where.latitude));
        form.set('longitude', String(where.longitude));
      }
      for (const p of photos) form.append('photos', p);
      const next = await apiFetch<InspectionRecord>(`${base}/unregistered-machines`, { method: 'POST', body: form });
      update({ noCode: '' });
      setPhotos([]);
      setPhotoInput((x) => x + 1);
      return next;
    });

  const saveText = () =>
    run(
      'text',
      async () => {
        const next = await apiFetch<InspectionRecord>(`${base}/record`, {
          method: 'PATCH',
          body: { findings, explained },
        });
        update({ findings: undefined, explained: undefined });
        return next;
      },
      t('inspector.saved'),
    );

  const handOverNew = () =>
    run('handOverNew', async () => {
      const next = await apiFetch<InspectionRecord>(`${base}/hazards`, {
        method: 'POST',
        body: {
          category: draft.hazardCategory ?? 'other',
          level: draft.hazardLevel ?? 'general',
          description: draft.hazardDescription ?? '',
          deadline: deadlineOf(draft.hazardDeadline ?? inDays(7)),
          note: draft.hazardNote ?? '',
          ...(await positionOrNone()),
        },
      });
      update({ hazardDescription: '', hazardNote: '' });
      return next;
    });

  const handOver = (h: OnSiteHazard) =>
    run(`handOver:${h.id}`, async () =>
      apiFetch<InspectionRecord>(`${base}/hazards/${h.id}/hand-over`, {
        method: 'POST',
        body: {
          deadline: deadlineOf(draft.hazardDeadline ?? inDays(7)),
          note: draft.hazardNote || t('inspector.handOver.orderExisting'),
          ...(await positionOrNone()),
        },
      }),
    );

  const sign = () =>
    run('sign', async () => {
      // Unsaved findings go first: the signature closes the record.
      if (textDirty) await apiFetch(`${base}/record`, { method: 'PATCH', body: { findings, explained } });
      const png = await pad.current?.toPng();
      if (!png) throw new Error(t('inspector.sign.empty'));
      const form = new FormData();
      form.set('signerName', draft.signerName ?? '');
      const where = await positionOrNone();
      if (where.latitude !== undefined) {
        form.set('latitude', String(where.latitude));
        form.set('longitude', String(where.longitude));
      }
      form.set('signature', png, 'signature.png');
      const next = await apiFetch<InspectionRecord>(`${base}/signature`, { method: 'POST', body: form });
      clear();
      return next;
    });

  const verify = (h: OnSiteHazard, passed: boolean) =>
    run(`verify:${h.id}`, async () => {
      const next = await apiFetch<InspectionRecord>(`${base}/hazards/${h.id}/verify`, {
        method: 'POST',
        body: { passed, note: verifyNote, ...(await positionOrNone()) },
      });
      setVerifyNote('');
      return next;
    });

  const stateTone = { assigned: 'info', checked_in: 'warning', signed: 'success' } as const;

  return (
    <div className="k-stack" data-testid="inspector-target-page">
      <Link to="/i" className="k-muted">
        ← {t('inspector.back')}
      </Link>
      <Card
        title={record.enterpriseName}
        extra={
          <Tag tone={stateTone[record.state]} testId="record-state">
            {t(`inspector.state.${record.state}`)}
          </Tag>
        }
        testId="record-head"
      >
        <Fields
          rows={[
            [t('inspector.address'), record.enterpriseAddress],
            [t('inspections.plan'), record.planTitle],
            [t('inspector.inspectors'), record.inspectors.map((p) => p.displayName).join('、')],
          ]}
        />
      </Card>
      {!record.canAct && <Alert tone="info">{t('inspector.readOnly')}</Alert>}
      {failure && (
        <Alert tone="error" testId="inspector-failure">
          {failure}
        </Alert>
      )}
      {notice && (
        <Alert tone="success" testId="inspector-notice">
          {notice}
        </Alert>
      )}

      <Card title={t('inspector.checkIn.title')} testId="check-in">
        {record.checkedInAt ? (
          <Alert tone="success" testId="checked-in">
            {t('inspector.checkIn.done', { time: fmt(record.checkedInAt), name: record.checkedInByName ?? '' })}
          </Alert>
        ) : (
          <Button
            kind="primary"
            block
            large
            icon="pin"
            disabled={!record.canAct}
            loading={busy === 'checkIn'}
            onClick={() => void checkIn()}
            testId="check-in-button"
          >
            {t('inspector.checkIn.button')}
          </Button>
        )}
      </Card>

      {open && (
        <Card title={t('inspector.scan.title')} testId="scan-card">
          <div className="k-stack">
            <QrScanner onCode={(raw) => void submitScan(raw)} />
            <div className="k-divider">{t('inspector.scan.orType')}</div>
            <form
              className="k-row"
              style={{ flexWrap: 'nowrap' }}
              onSubmit={(e) => {
                e.preventDefault();
                void submitScan(typed);
              }}
            >
              <input
                className="k-input m-code"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                placeholder={t('inspector.scan.codeHint')}
                aria-label={t('inspector.scan.codeHint')}
                autoCapitalize="characters"
                autoComplete="off"
                spellCheck={false}
                data-testid="scan-code"
              />
              <button
                type="submit"
                className="k-btn k-btn-primary"
                style={{ minHeight: 40 }}
                disabled={busy === 'scan'}
                data-testid="scan-submit"
              >
                {t('inspector.scan.submit')}
              </button>
            </form>
            {scan && <ScanResult scan={scan} />}
            {record.scans.length > 0 && (
              <span className="k-muted">{t('inspector.scan.history', { count: record.scans.length })}</span>
            )}
          </div>
        </Card>
      )}

      {open && (
        <Card title={t('inspector.noCode.title')} testId="no-code-card">
          <div className="k-stack">
            <span className="k-muted">{t('inspector.noCode.hint')}</span>
            <TextArea
              label={t('inspector.noCode.description')}
              hint={t('inspector.noCode.descriptionHint')}
              value={draft.noCode ?? ''}
              onChange={(v) => update({ noCode: v })}
              testId="no-code-description"
            />
            <Labeled label={t('inspector.noCode.photos')}>
              <input
                key={photoInput}
                type="file"
                accept="image/jpeg,image/png"
                capture="environment"
                multiple
                onChange={(e) => setPhotos(Array.from(e.target.files ?? []).slice(0, 3))}
                data-testid="no-code-photos"
              />
            </Labeled>
            <Button
              kind="primary"
              block
              icon="alert"
              disabled={!(draft.noCode ?? '').trim()}
              loading={busy === 'noCode'}
              onClick={() => void submitNoCode()}
              testId="no-code-submit"
            >
              {t('inspector.noCode.submit')}
            </Button>
          </div>
        </Card>
      )}
      {record.unregisteredMachines.length > 0 && (
        <Alert
          tone="warning"
          testId="no-code-list"
          description={record.unregisteredMachines.map((u) => u.description).join('；')}
        >
          {t('inspector.noCode.done', { count: record.unregisteredMachines.length })}
        </Alert>
      )}

      <Card title={t('inspector.findings.title')} testId="text-card">
        <div className="k-stack">
          <TextArea
            label={t('inspector.findings.title')}
            hint={t('inspector.findings.hint')}
            value={findings}
            disabled={!open}
            onChange={(v) => update({ findings: v })}
            testId="findings"
          />
          <TextArea
            label={t('inspector.explained.title')}
            hint={t('inspector.explained.hint')}
            value={explained}
            disabled={!open}
            onChange={(v) => update({ explained: v })}
            testId="explained"
          />
          {open && textDirty && (
            <span className="k-muted" data-testid="draft-kept">
              {t('inspector.draftKept')}
            </span>
          )}
          {open && (
            <Button disabled={!textDirty} loading={busy === 'text'} onClick={() => void saveText()} testId="text-save">
              {t('inspector.saveText')}
            </Button>
          )}
        </div>
      </Card>

      <Card title={t('inspector.handOver.title')} testId="hand-over-card">
        <div className="k-stack">
          <span className="k-muted">{t('inspector.handOver.hint')}</span>
          {record.hazards.length === 0 && <Empty>{t('inspector.handOver.none')}</Empty>}
          <div className="k-list">
            {record.hazards.map((h) => (
              <div key={h.id} data-testid="visit-hazard">
                <div className="k-row" style={{ justifyContent: 'space-between' }}>
                  <strong>{t(`hazardCategory.${h.category}`)}</strong>
                  <Tag tone={h.state === 'open' ? 'warning' : 'info'}>{t(`hazardState.${h.state}`)}</Tag>
                </div>
                <div className="k-muted">{h.description}</div>
                {h.deadline && (
                  <div className="k-muted">
                    {t('inspector.handOver.deadlineLabel', {
                      date: new Date(h.deadline).toLocaleDateString(i18n.language),
                    })}
                  </div>
                )}
                {open && h.state === 'open' && (
                  <Button
                    kind="primary"
                    loading={busy === `handOver:${h.id}`}
                    onClick={() => void handOver(h)}
                    testId="hand-over-existing"
                  >
                    {t('inspector.handOver.submitExisting')}
                  </Button>
                )}
              </div>
            ))}
          </div>
          {open && (
            <div className="k-stack">
              <Labeled label={t('inspector.handOver.deadline')}>
                <input
                  className="k-input"
                  type="date"
                  min={inDays(1)}
                  value={draft.hazardDeadline ?? inDays(7)}
                  onChange={(e) => update({ hazardDeadline: e.target.value })}
                  data-testid="hazard-deadline"
                />
              </Labeled>
              <TextArea
                label={t('inspector.handOver.note')}
                value={draft.hazardNote ?? ''}
                onChange={(v) => update({ hazardNote: v })}
                testId="hazard-note"
              />
              <div className="k-divider">{t('inspector.handOver.submitNew')}</div>
              <Labeled label={t('inspector.handOver.category')}>
                <select
                  className="k-input"
                  value={draft.hazardCategory ?? 'other'}
                  onChange={(e) => update({ hazardCategory: e.target.value })}
                  data-testid="hazard-category"
                >
                  {HAZARD_CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {t(`hazardCategory.${c}`)}
                    </option>
                  ))}
                </select>
              </Labeled>
              <Labeled label={t('inspector.handOver.level')}>
                <select
                  className="k-input"
                  value={draft.hazardLevel ?? 'general'}
                  onChange={(e) => update({ hazardLevel: e.target.value })}
                  data-testid="hazard-level"
                >
                  <option value="general">{t('hazardLevel.general')}</option>
                  <option value="major">{t('hazardLevel.major')}</option>
                </select>
              </Labeled>
              <TextArea
                label={t('inspector.handOver.description')}
                value={draft.hazardDescription ?? ''}
                onChange={(v) => update({ hazardDescription: v })}
                testId="hazard-description"
              />
              <Button
                kind="primary"
                block
                disabled={!(draft.hazardDescription ?? '').trim() || !(draft.hazardNote ?? '').trim()}
                loading={busy === 'handOverNew'}
                onClick={() => void handOverNew()}
                testId="hand-over-new"
              >
                {t('inspector.handOver.submitNew')}
              </Button>
            </div>
          )}
        </div>
      </Card>

      <Card title={t('inspector.sign.title')} testId="sign-card">
        {record.signedAt ? (
          <div className="k-stack">
            <Alert tone="success" testId="signed">
              {t('inspector.sign.done', { name: record.signerName ?? '', time: fmt(record.signedAt) })}
            </Alert>
            {signatureUrl && <img className="i-signed" src={signatureUrl} alt={t('inspector.sign.padLabel')} />}
            <RecordPdfButton base={base} />
          </div>
        ) : open ? (
          <div className="k-stack">
            <Labeled label={t('inspector.sign.signer')}>
              <input
                className="k-input"
                value={draft.signerName ?? ''}
                maxLength={50}
                onChange={(e) => update({ signerName: e.target.value })}
                data-testid="signer-name"
              />
            </Labeled>
            <span className="k-muted">{t('inspector.sign.empty')}</span>
            <SignaturePad ref={pad} label={t('inspector.sign.padLabel')} onInk={setInked} />
            <div className="k-row">
              <Button onClick={() => pad.current?.clear()} testId="signature-clear">
                {t('inspector.sign.clear')}
              </Button>
            </div>
            <Button
              kind="primary"
              block
              large
              icon="check"
              disabled={!inked || (draft.signerName ?? '').trim().length < 2}
              loading={busy === 'sign'}
              onClick={() => void sign()}
              testId="sign-submit"
            >
              {t('inspector.sign.submit')}
            </Button>
          </div>
        ) : (
          <Empty>{t('inspector.state.assigned')}</Empty>
        )}
      </Card>

      {record.signedAt && record.hazards.length > 0 && (
        <Card title={t('inspector.verify.title')} testId="verify-card">
          <div className="k-stack">
            <span className="k-muted">{t('inspector.verify.hint')}</span>
            {record.hazards.map((h) => (
              <div key={h.id} className="k-stack" data-testid="verify-hazard">
                <div className="k-row" style={{ justifyContent: 'space-between' }}>
                  <strong>{t(`hazardCategory.${h.category}`)}</strong>
                  <Tag>{t(`hazardState.${h.state}`)}</Tag>
                </div>
                {h.state === 'rectified' && record.canAct ? (
                  <>
                    <TextArea
                      label={t('inspector.verify.note')}
                      value={verifyNote}
                      onChange={setVerifyNote}
                      testId="verify-note"
                    />
                    <div className="k-row">
                      <Button
                        kind="primary"
                        disabled={verifyNote.trim().length < 2}
                        loading={busy === `verify:${h.id}`}
                        onClick={() => void verify(h, true)}
                        testId="verify-pass"
                      >
                        {t('inspector.verify.pass')}
                      </Button>
                      <Button
                        kind="danger"
                        disabled={verifyNote.trim().length < 2}
                        onClick={() => void verify(h, false)}
                        testId="verify-fail"
                      >
                        {t('inspector.verify.fail')}
                      </Button>
                    </div>
                  </>
                ) : (
                  h.state === 'ordered' && <span className="k-muted">{t('inspector.verify.waiting')}</span>
                )}
              </div>
            ))}
          </div>
        </Card>
      )}
    </div>
  );
}

function ScanResult({ scan }: { scan: OnSiteScan }) {
  const { t, i18n } = useTranslation();
  const good = scan.outcome === 'found';
  const bad = !scan.subjectType;
  const yes = (ok: boolean, text: string) => <Tag tone={ok ? 'success' : 'error'}>{text}</Tag>;
  const rows: [ReactNode, ReactNode][] = [];
  if (scan.enterpriseName) rows.push([t('inspector.scan.owner'), scan.enterpriseName]);
  if (scan.machine) {
    const m = scan.machine;
    rows.push(
      [t('inspector.scan.machine'), m.name],
      [
        t('inspector.scan.registration'),
        yes(m.registered, m.registered ? t('inspector.scan.registered') : t('inspector.scan.notRegistered')),
      ],
      [
        t('inspector.scan.chip'),
        yes(m.chipBound, m.chipBound ? t('inspector.scan.chipBound') : t('inspector.scan.chipNotBound')),
      ],
      [
        t('inspector.scan.permit'),
        m.permitInForce ? t('inspector.scan.permitInForce', { no: m.permitNo ?? '' }) : t('inspector.scan.noPermit'),
      ],
      [t('inspector.scan.unlocked'), m.unlockedNow ? t('inspector.scan.unlockedYes') : t('inspector.scan.unlockedNo')],
    );
  }
  if (scan.welder) {
    const w = scan.welder;
    rows.push(
      [t('inspector.scan.welder'), w.maskedName],
      [
        t('inspector.scan.certificate'),
        yes(
          w.certificate.validToday,
          w.certificate.validToday
            ? t('inspector.scan.certValid')
            : t('inspector.scan.certInvalid', { state: t(`certState.${w.certificate.state}`) }),
        ),
      ],
    );
  }
  if (!bad)
    rows.push([
      t('inspector.scan.recentArcs'),
      scan.recentArcs.length === 0
        ? t('inspector.scan.noArcs')
        : scan.recentArcs.map((a, i) => (
            <div key={i}>
              {t('inspector.scan.arcLine', {
                time: new Date(a.startedAt).toLocaleString(i18n.language),
                seconds: Math.round(a.durationMs / 1000),
              })}
              {a.authorized === false && ` · ${t('inspector.scan.unauthorizedArc')}`}
            </div>
          )),
    ]);
  return (
    <div className="k-stack" data-testid="scan-result">
      <Alert tone={good ? 'success' : bad ? 'error' : 'warning'} testId="scan-outcome">
        {t(`inspector.scan.outcome.${scan.outcome}`)}
      </Alert>
      {rows.length > 0 && <Fields bordered rows={rows} />}
    </div>
  );
}

/** 现场检查记录 as the PDF the enterprise keeps: fetched with the session, saved on the phone. */
function RecordPdfButton({ base }: { base: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await downloadFile(`${base}/record.pdf`, 'inspection-record.pdf');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button block loading={busy} onClick={() => void save()} testId="record-pdf">
        {t('inspector.sign.recordPdf')}
      </Button>
      {error != null && <ErrorBox error={error} />}
    </>
  );
}
