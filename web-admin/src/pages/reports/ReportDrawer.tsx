import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Image,
  Input,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiBlob, apiFetch } from '../../api/client';
import { errorText, formFieldErrors } from '../../i18n/errors';
import { useRegionNames } from '../../hooks/useRegionNames';
import { ErrorState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { PromoteToHazard } from '../../components/hazards/PromoteToHazard';
import { ReportReward } from '../rewards/ReportReward';
import { NOTE_REQUIRED, STATUS_COLOUR, type ReportDetail, type ReportStatus } from './reportsApi';

/** Photos need the bearer token, so they are fetched as blobs rather than linked. */
function ReportPhotos({ report }: { report: ReportDetail }) {
  const { t } = useTranslation();
  const [urls, setUrls] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    const made: string[] = [];
    Promise.all(
      report.photos.map((p) =>
        apiBlob(`/api/reports/${report.id}/photos/${p.id}`).then(({ blob }) => URL.createObjectURL(blob)),
      ),
    )
      .then((list) => {
        made.push(...list);
        if (live) setUrls(list);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      made.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [report.id, report.photos]);
  if (!report.photos.length) return <Typography.Text type="secondary">{t('reports.noPhotos')}</Typography.Text>;
  if (urls.length < report.photos.length) return <Skeleton.Image active />;
  return (
    <Image.PreviewGroup>
      {urls.map((u, i) => (
        <Image key={u} src={u} width={96} height={96} style={{ objectFit: 'cover' }} alt={`${i + 1}`} />
      ))}
    </Image.PreviewGroup>
  );
}

/** One report: what was reported, where, the photos, the handling trail and the next step. */
export function ReportDrawer({
  id,
  onClose,
  onChanged,
}: {
  id: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const regionNames = useRegionNames();
  const { message } = App.useApp();
  const { data, error, loading, reload } = useApi<ReportDetail>(id ? `/api/reports/${id}` : null);
  const [form] = Form.useForm<{ note?: string }>();
  const [busy, setBusy] = useState<ReportStatus | null>(null);
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language);

  const move = async (to: ReportStatus) => {
    if (!data) return;
    const note = form.getFieldValue('note') as string | undefined;
    if (NOTE_REQUIRED.has(to) && !note?.trim()) {
      form.setFields([
        { name: 'note', errors: [t(to === 'closed' ? 'reports.noteNeededClose' : 'reports.noteNeeded')] },
      ]);
      return;
    }
    setBusy(to);
    try {
      await apiFetch(`/api/reports/${data.id}/transition`, {
        method: 'POST',
        body: { to, note: note?.trim() || undefined },
      });
      form.resetFields();
      void message.success(t('common.done'));
      reload();
      onChanged();
    } catch (e) {
      form.setFields(formFieldErrors(t, e).map((f) => ({ name: 'note' as const, errors: f.errors })));
      void message.error(errorText(t, e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      width={560}
      title={data ? `${t('reports.report')} ${data.trackingCode}` : t('reports.report')}
      destroyOnHidden
    >
      {loading && <Skeleton active paragraph={{ rows: 8 }} />}
      {error != null && <ErrorState error={error} onRetry={reload} />}
      {data && !loading && (
        <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="report-detail">
          {data.rewardEligible && <PromoteToHazard source="report" id={data.id} needsEnterprise={!data.enterprise} />}
          {data.rewardEligible && <ReportReward reportId={data.id} />}
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('common.status')}>
              <Tag color={STATUS_COLOUR[data.status]}>{t(`public.reportStatus.${data.status}`)}</Tag>
              {data.rewardEligible && <Tag color="magenta">{t('reports.rewardDue')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('reports.description')}>{data.description}</Descriptions.Item>
            <Descriptions.Item label={t('reports.machine')}>
              {data.machine ? `${data.machine.name}（${data.machine.serialNumber}）` : '—'}
              {data.machineCodeState && data.machineCodeState !== 'valid' && (
                <Tag color="red" style={{ marginLeft: 8 }}>
                  {t(`reports.codeState.${data.machineCodeState}`)}
                </Tag>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('common.enterprise')}>{data.enterprise?.name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('reports.place')}>
              {[
                data.regionPath ? regionNames.path(data.regionPath) : null,
                data.address,
                data.latitude !== null ? `${data.latitude}, ${data.longitude}` : null,
              ]
                .filter(Boolean)
                .join(' · ') || '—'}
              {!data.regionPath && <Tag style={{ marginLeft: 8 }}>{t('reports.unplaced')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('reports.contact')}>
              {data.reporterContact ?? t('reports.anonymous')}
            </Descriptions.Item>
            <Descriptions.Item label={t('reports.submittedAt')}>{when(data.createdAt)}</Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('reports.photos')}</Typography.Title>
            <ReportPhotos report={data} />
          </div>
          <div>
            <Typography.Title level={5}>{t('reports.trail')}</Typography.Title>
            <Timeline
              items={data.trail.map((e) => ({
                color: e.to === 'closed' ? 'green' : e.to === 'rejected' ? 'gray' : 'blue',
                children: (
                  <>
                    <strong>{t(`public.reportStatus.${e.to}`)}</strong> ·{' '}
                    {e.actor === 'public' ? t('reports.publicActor') : e.actor} · {when(e.at)}
                    {e.note && <div>{e.note}</div>}
                  </>
                ),
              }))}
            />
          </div>
          {data.allowedNext.length > 0 ? (
            <Form form={form} layout="vertical">
              <Form.Item name="note" label={t('reports.note')} extra={t('reports.noteHint')}>
                <Input.TextArea rows={3} maxLength={1000} showCount data-testid="report-note" />
              </Form.Item>
              <Space wrap>
                {data.allowedNext.map((to) => (
                  <Button
                    key={to}
                    type={to === 'rejected' ? 'default' : 'primary'}
                    danger={to === 'verified'}
                    loading={busy === to}
                    onClick={() => void move(to)}
                    data-testid={`report-to-${to}`}
                  >
                    {t(`reports.action.${to}`)}
                  </Button>
                ))}
              </Space>
            </Form>
          ) : (
            <Alert type="success" showIcon message={t('reports.closedOut')} />
          )}
        </Space>
      )}
      {!loading && !error && !data && <Empty />}
    </Drawer>
  );
}
