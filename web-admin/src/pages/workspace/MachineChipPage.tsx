// 加芯 at the machine, phone first: the installer scans the chip's label (or pastes it), sees what will
// be bound, and confirms; a bound chip is replaced or unbound with a reason. Reached from the machines list.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Divider, Input, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import type { MachineView } from '../../api/types';
import { ChipHistory } from '../../components/machines/ChipHistory';
import { groupedChipId, parseChipLabel, type ChipLabelParse } from '../../components/machines/chip-label';
import { fmtTime } from '../../components/format';
import { ErrorState, PageLoading } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { errorText } from '../../i18n/errors';
import { QrScanner } from '../welder/QrScanner';

type DeviceStatus = components['schemas']['DeviceStatusView'];
type ChipCertificate = components['schemas']['ChipCertificateView'];
type Reason = components['schemas']['ChipUnbindReason'];
const REASONS: Reason[] = ['chip_faulty', 'chip_damaged', 'chip_lost', 'bound_by_mistake', 'machine_disposed', 'other'];
type Mode = 'bind' | 'replace' | 'unbind' | null;

/** Saves text as a file through the browser (the certificate is fetched with the bearer token). */
function saveText(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-pem-file' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The chip's mutual-TLS certificate (issued at binding for the chip's own key) and the device CA, for
 * the device's configuration (MQTT_CERT_FILE, MQTT_CA_FILE).
 */
function CertificateDownloads({ machineId, chipId }: { machineId: string; chipId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const download = async (what: 'chip' | 'ca') => {
    setBusy(true);
    try {
      const c = await apiFetch<ChipCertificate>(`/api/machines/${machineId}/chip/certificate`);
      if (what === 'chip') saveText(`${chipId}.crt`, c.certificatePem);
      else saveText('arcgate-device-ca.crt', c.caPem);
      void message.success(t('chipBinding.certificateSaved', { date: fmtTime(c.notAfter) }));
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space style={{ marginTop: 12 }} wrap>
      <Button loading={busy} onClick={() => void download('chip')} data-testid="chip-certificate-download">
        {t('chipBinding.downloadCertificate')}
      </Button>
      <Button loading={busy} onClick={() => void download('ca')} data-testid="chip-ca-download">
        {t('chipBinding.downloadCa')}
      </Button>
    </Space>
  );
}

/** Reason (enumerated) and note (required for "other"): why a chip leaves its machine. */
function ReasonFields({
  reason,
  note,
  onReason,
  onNote,
}: {
  reason: Reason | undefined;
  note: string;
  onReason: (r: Reason) => void;
  onNote: (n: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text strong>{t('chipBinding.reason')}</Typography.Text>
      <Select<Reason>
        value={reason}
        onChange={onReason}
        placeholder={t('chipBinding.reasonPlaceholder')}
        style={{ width: '100%' }}
        data-testid="chip-reason"
        options={REASONS.map((r) => ({ value: r, label: t(`chipUnbindReason.${r}`) }))}
      />
      <Typography.Text strong>{t('chipBinding.note')}</Typography.Text>
      <Input.TextArea
        value={note}
        onChange={(e) => onNote(e.target.value)}
        placeholder={t('chipBinding.notePlaceholder')}
        maxLength={500}
        autoSize={{ minRows: 2, maxRows: 4 }}
        data-testid="chip-note"
      />
    </Space>
  );
}

/** Camera or typed label → a parsed chip, or a zh-CN/en reason why the text is not a chip label. */
function LabelInput({ onParsed }: { onParsed: (p: ChipLabelParse | null) => void }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const read = (text: string) => onParsed(text.trim() ? parseChipLabel(text) : null);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="chip-scan">
      <Typography.Text type="secondary">{t('chipBinding.scanHint')}</Typography.Text>
      <QrScanner
        onCode={(raw) => {
          setTyped(raw);
          read(raw);
        }}
      />
      <Divider plain style={{ margin: '4px 0' }}>
        {t('chipBinding.labelText')}
      </Divider>
      <Input.TextArea
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        placeholder={t('chipBinding.labelPlaceholder')}
        autoSize={{ minRows: 2, maxRows: 4 }}
        className="m-code"
        data-testid="chip-label-input"
      />
      <Button block onClick={() => read(typed)} data-testid="chip-label-read">
        {t('chipBinding.read')}
      </Button>
    </Space>
  );
}

export default function MachineChipPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const machine = useApi<MachineView>(`/api/machines/${id}`);
  const device = useApi<DeviceStatus>(`/api/machines/${id}/device`);
  const [mode, setMode] = useState<Mode>(null);
  const [parsed, setParsed] = useState<ChipLabelParse | null>(null);
  const [reason, setReason] = useState<Reason>();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  if (machine.error || device.error)
    return (
      <ErrorState
        error={machine.error ?? device.error}
        onRetry={() => {
          machine.reload();
          device.reload();
        }}
      />
    );
  if (!machine.data || !device.data) return <PageLoading />;
  const m = machine.data;
  const current = device.data.chipId;
  const activeMode: Mode = mode ?? (current ? null : 'bind');

  const reset = () => {
    setMode(null);
    setParsed(null);
    setReason(undefined);
    setNote('');
    setError(null);
  };
  const done = (text: string) => {
    void message.success(text);
    reset();
    device.reload();
    machine.reload();
    setVersion((v) => v + 1);
  };
  const reasonProblem = (): string | null => {
    if (!reason) return t('chipBinding.reasonRequired');
    if (reason === 'other' && !note.trim()) return t('chipBinding.noteRequired');
    return null;
  };
  const submit = async () => {
    setError(null);
    if (activeMode !== 'bind') {
      const problem = reasonProblem();
      if (problem) return setError(problem);
    }
    const why = { reason, ...(note.trim() ? { note: note.trim() } : {}) };
    setBusy(true);
    try {
      if (activeMode === 'unbind') {
        await apiFetch(`/api/machines/${id}/chip/unbind`, { method: 'POST', body: why });
        done(t('chipBinding.unbound'));
      } else if (parsed?.ok) {
        const chip = { chipId: parsed.chipId, publicKey: parsed.publicKey };
        if (activeMode === 'replace') {
          await apiFetch(`/api/machines/${id}/chip/replace`, { method: 'POST', body: { ...chip, ...why } });
          done(t('chipBinding.replaced'));
        } else {
          await apiFetch(`/api/machines/${id}/chip`, { method: 'POST', body: chip });
          done(t('chipBinding.bound'));
        }
      }
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const labelStep = (
    <>
      <LabelInput
        onParsed={(p) => {
          setError(null);
          setParsed(p);
        }}
      />
      {parsed && !parsed.ok && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          message={t(`chipBinding.labelError.${parsed.failure}`)}
          data-testid="chip-label-error"
        />
      )}
      {parsed?.ok && (
        <Card
          size="small"
          style={{ marginTop: 12 }}
          title={activeMode === 'replace' ? t('chipBinding.willReplace') : t('chipBinding.willBind')}
          data-testid="chip-preview"
        >
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('chipBinding.chipId')}>
              <Typography.Text strong className="m-code" data-testid="chip-preview-id">
                {groupedChipId(parsed.chipId)}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('chipBinding.publicKey')}>
              <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }}>
                {parsed.publicKey}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <Typography.Text type="secondary">{t('chipBinding.checkPrint')}</Typography.Text>
        </Card>
      )}
    </>
  );

  return (
    <div style={{ maxWidth: 560, margin: '0 auto' }} data-testid="machine-chip-page">
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Link to="/workspace/machines">
          <ArrowLeftOutlined /> {t('chipBinding.back')}
        </Link>
        <Card title={`${t('chipBinding.title')} · ${m.name}`}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('machines.serialNumber')}>{m.serialNumber}</Descriptions.Item>
            <Descriptions.Item label={t('chipBinding.current')}>
              {current ? (
                <Typography.Text strong className="m-code" data-testid="chip-current">
                  {groupedChipId(current)}
                </Typography.Text>
              ) : (
                <Tag data-testid="chip-current-none">{t('chipBinding.none')}</Tag>
              )}
            </Descriptions.Item>
            {current && device.data.boundAt && (
              <Descriptions.Item label={t('chipBinding.boundAt')}>{fmtTime(device.data.boundAt)}</Descriptions.Item>
            )}
          </Descriptions>
          {current && <CertificateDownloads machineId={m.id} chipId={current} />}
          {current && !mode && m.status !== 'retired' && (
            <Space style={{ marginTop: 12 }} wrap>
              <Button type="primary" onClick={() => setMode('replace')} data-testid="chip-replace">
                {t('chipBinding.replace')}
              </Button>
              <Button danger onClick={() => setMode('unbind')} data-testid="chip-unbind">
                {t('chipBinding.unbind')}
              </Button>
            </Space>
          )}
          {current && !mode && m.status === 'retired' && (
            <Button danger style={{ marginTop: 12 }} onClick={() => setMode('unbind')} data-testid="chip-unbind">
              {t('chipBinding.unbind')}
            </Button>
          )}
        </Card>

        {activeMode === 'bind' && m.status === 'retired' && <Alert type="warning" message={t('chipBinding.retired')} />}
        {activeMode && !(activeMode === 'bind' && m.status === 'retired') && (
          <Card
            title={
              activeMode === 'unbind'
                ? t('chipBinding.unbind')
                : activeMode === 'replace'
                  ? t('chipBinding.replace')
                  : t('chipBinding.scanTitle')
            }
            data-testid={`chip-${activeMode}-card`}
          >
            <Space direction="vertical" style={{ width: '100%' }}>
              {activeMode !== 'bind' && (
                <ReasonFields reason={reason} note={note} onReason={setReason} onNote={setNote} />
              )}
              {activeMode === 'unbind' && <Alert type="warning" showIcon message={t('chipBinding.unbindWarning')} />}
              {activeMode !== 'unbind' && labelStep}
              {error && <Alert type="error" showIcon message={error} data-testid="chip-error" />}
              <Space wrap>
                <Button
                  type="primary"
                  danger={activeMode === 'unbind'}
                  loading={busy}
                  disabled={activeMode !== 'unbind' && !parsed?.ok}
                  onClick={() => void submit()}
                  data-testid="chip-confirm"
                >
                  {activeMode === 'unbind'
                    ? t('chipBinding.confirmUnbind')
                    : activeMode === 'replace'
                      ? t('chipBinding.confirmReplace')
                      : t('chipBinding.confirmBind')}
                </Button>
                {mode && <Button onClick={reset}>{t('chipBinding.cancel')}</Button>}
              </Space>
            </Space>
          </Card>
        )}

        <Card title={t('chipBinding.history')} size="small">
          <ChipHistory key={version} machineId={id} />
        </Card>
      </Space>
    </div>
  );
}
