import {
  Alert,
  App,
  Button,
  Checkbox,
  DatePicker,
  Descriptions,
  Divider,
  Drawer,
  Form,
  Image,
  Input,
  Select,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { FilePdfOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { apiBlob, apiFetch } from '../../api/client';
import { AlertDetailDrawer } from '../../components/AlertDetailDrawer';
import { fmtTime } from '../../components/format';
import { ErrorState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { useDownload } from '../../hooks/useDownload';
import { errorText, formFieldErrors } from '../../i18n/errors';
import { HazardCases } from '../cases/SourceCases';
import { HazardPhotoInput } from './HazardPhotoInput';
import { currentPosition, LEVEL_COLOUR, MEASURE_KINDS, multipart, STATE_COLOUR, type HazardDetail } from './hazardsApi';

const REVIEW_STEPS: string[] = ['verified', 'returned', 'signed_off'];

/** Photos need the bearer token, so they are fetched as blobs rather than linked. */
function HazardPhotos({ hazard }: { hazard: HazardDetail }) {
  const { t } = useTranslation();
  const [urls, setUrls] = useState<{ url: string; step: string }[]>([]);
  useEffect(() => {
    let live = true;
    const made: string[] = [];
    const stepOf = new Map(hazard.timeline.map((e) => [e.id, e.step]));
    Promise.all(
      hazard.photos.map((p) =>
        apiBlob(`/api/hazards/${hazard.id}/photos/${p.id}`).then(({ blob }) => ({
          url: URL.createObjectURL(blob),
          step: stepOf.get(p.eventId) ?? 'created',
        })),
      ),
    )
      .then((list) => {
        made.push(...list.map((x) => x.url));
        if (live) setUrls(list);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      made.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [hazard.id, hazard.photos, hazard.timeline]);
  if (!hazard.photos.length) return <Typography.Text type="secondary">{t('hazards.noPhotos')}</Typography.Text>;
  if (urls.length < hazard.photos.length) return <Skeleton.Image active />;
  return (
    <Image.PreviewGroup>
      <Space wrap data-testid="hazard-photos">
        {urls.map((u, i) => (
          <Space key={u.url} direction="vertical" size={2} align="center">
            <Image src={u.url} width={96} height={96} style={{ objectFit: 'cover' }} alt={`${i + 1}`} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t(`hazardStep.${u.step}`)}
            </Typography.Text>
          </Space>
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}

interface StepValues {
  note?: string;
  deadline?: Dayjs;
  onSite?: boolean;
  photos?: File[];
  gps?: boolean;
  kind?: string;
}

/** One hazard: what, where, its timeline and evidence, and the step whose turn it is (only to whom it falls). */
export function HazardDrawer({
  id,
  onClose,
  onChanged,
}: {
  id: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { data, error, loading, reload } = useApi<HazardDetail>(id ? `/api/hazards/${id}` : null);
  const [form] = Form.useForm<StepValues>();
  const [measureForm] = Form.useForm<StepValues>();
  const [busy, setBusy] = useState<string | null>(null);
  const [alertOpen, setAlertOpen] = useState<string | null>(null);
  const { busy: downloading, download } = useDownload();

  const run = async (key: string, f: typeof form, call: (v: StepValues) => Promise<unknown>) => {
    const v = f.getFieldsValue();
    if (!v.note?.trim()) {
      f.setFields([{ name: 'note', errors: [t('common.required')] }]);
      return;
    }
    setBusy(key);
    try {
      await call(v);
      f.resetFields();
      void message.success(t('common.done'));
      reload();
      onChanged();
    } catch (e) {
      f.setFields(
        formFieldErrors(t, e).map((x) => ({
          name: (['note', 'deadline'].includes(String(x.name[0])) ? x.name : ['note']) as never,
          errors: x.errors,
        })),
      );
      void message.error(errorText(t, e));
    } finally {
      setBusy(null);
    }
  };
  const where = async (v: StepValues) => (v.gps ? ((await currentPosition()) ?? {}) : {});
  const post = async (path: string, body: unknown) =>
    apiFetch(`/api/hazards/${data!.id}/${path}`, { method: 'POST', body });

  const a = data?.actions;
  // The documents exist once their step has happened: the order once ordered, the opinion once reviewed.
  const hasOrder = !!data?.timeline.some((e) => e.step === 'ordered');
  const hasReview = !!data?.timeline.some((e) => REVIEW_STEPS.includes(e.step));
  const anyStep = !!a && (a.order || a.rectify || a.verify || a.signOff);

  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      width={Math.min(640, window.innerWidth)}
      title={t('hazards.detail')}
      destroyOnHidden
    >
      {loading && !data && <Skeleton active paragraph={{ rows: 8 }} />}
      {error != null && <ErrorState error={error} onRetry={reload} />}
      {data && (
        <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="hazard-detail">
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('hazards.state')}>
              <Tag color={STATE_COLOUR[data.state]} data-testid="hazard-state">
                {t(`hazardState.${data.state}`)}
              </Tag>
              {data.overdue && <Tag color="red">{t('hazards.overdue')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('hazards.category')}>
              {t(`hazardCategory.${data.category}`)}{' '}
              <Tag color={LEVEL_COLOUR[data.level]}>{t(`hazardLevel.${data.level}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('hazards.source')}>
              {t(`hazardSource.${data.source}`)}
              {data.sourceAlertId && (
                <Button
                  type="link"
                  size="small"
                  onClick={() => setAlertOpen(data.sourceAlertId)}
                  data-testid="hazard-source-alert"
                >
                  {t('hazards.fromAlert')}
                </Button>
              )}
              {data.sourceReportId && (
                <Link to={`/console/reports?open=${data.sourceReportId}`} style={{ marginLeft: 8 }}>
                  {t('hazards.fromReport')}
                </Link>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('hazards.enterprise')}>
              {data.enterpriseName}
              {data.regionName ? ` · ${data.regionName}` : ''}
            </Descriptions.Item>
            {data.machineName && <Descriptions.Item label={t('hazards.machine')}>{data.machineName}</Descriptions.Item>}
            {data.welderName && <Descriptions.Item label={t('hazards.welder')}>{data.welderName}</Descriptions.Item>}
            <Descriptions.Item label={t('hazards.description')}>{data.description}</Descriptions.Item>
            {data.legalBasis && (
              <Descriptions.Item label={t('hazards.legalBasis')}>{data.legalBasis}</Descriptions.Item>
            )}
            <Descriptions.Item label={t('hazards.deadline')}>
              {data.deadline ? fmtTime(data.deadline) : '—'}
            </Descriptions.Item>
            {data.latitude !== null && (
              <Descriptions.Item label={t('hazards.location')}>
                {data.latitude}, {data.longitude}
              </Descriptions.Item>
            )}
          </Descriptions>
          <HazardCases
            source={{
              kind: 'hazard',
              hazardId: data.id,
              enterpriseId: data.enterpriseId,
              enterpriseName: data.enterpriseName,
              legalBasis: data.legalBasis,
              facts: data.description,
              machineId: data.machineId,
            }}
          />
          {(hasOrder || hasReview) && (
            <Space wrap data-testid="hazard-documents">
              <Typography.Text type="secondary">{t('hazards.documents')}</Typography.Text>
              {hasOrder && (
                <Button
                  size="small"
                  icon={<FilePdfOutlined />}
                  loading={downloading}
                  data-testid="hazard-doc-order"
                  onClick={() =>
                    void download(`/api/hazards/${data.id}/rectification-order.pdf`, 'rectification-order.pdf')
                  }
                >
                  {t('hazards.docOrder')}
                </Button>
              )}
              {hasReview && (
                <Button
                  size="small"
                  icon={<FilePdfOutlined />}
                  loading={downloading}
                  data-testid="hazard-doc-review"
                  onClick={() => void download(`/api/hazards/${data.id}/review-opinion.pdf`, 'review-opinion.pdf')}
                >
                  {t('hazards.docReview')}
                </Button>
              )}
            </Space>
          )}
          <div>
            <Typography.Title level={5}>{t('hazards.photos')}</Typography.Title>
            <HazardPhotos hazard={data} />
          </div>
          <div>
            <Typography.Title level={5}>{t('hazards.timeline')}</Typography.Title>
            <Timeline
              data-testid="hazard-timeline"
              items={data.timeline.map((e) => ({
                color: e.step === 'signed_off' ? 'green' : e.step === 'returned' ? 'red' : 'blue',
                children: (
                  <>
                    <strong>{t(`hazardStep.${e.step}`)}</strong> · {e.actorName} · {fmtTime(e.occurredAt)}
                    {e.onSite !== null && (
                      <Tag style={{ marginLeft: 8 }}>{t(e.onSite ? 'hazards.onSite' : 'hazards.onPaper')}</Tag>
                    )}
                    {e.deadline && (
                      <div>
                        {t('hazards.deadline')}：{fmtTime(e.deadline)}
                      </div>
                    )}
                    {e.note && <div>{e.note}</div>}
                    {e.latitude !== null && (
                      <div>
                        <Typography.Text type="secondary">
                          {t('hazards.location')}：{e.latitude}, {e.longitude}
                        </Typography.Text>
                      </div>
                    )}
                  </>
                ),
              }))}
            />
          </div>
          {data.signOffBlockedBy && data.signOffBlockedBy !== 'role' && (
            <Alert
              type="info"
              showIcon
              message={t(`hazards.blocked_${data.signOffBlockedBy}`)}
              data-testid="hazard-blocked"
            />
          )}
          {anyStep && (
            <Form form={form} layout="vertical" data-testid="hazard-step-form" initialValues={{ onSite: true }}>
              {(a.order || a.verify || a.signOff) && (
                <Form.Item name="deadline" label={a.order ? t('hazards.deadline') : t('hazards.newDeadline')}>
                  <DatePicker
                    showTime={{ format: 'HH:mm' }}
                    format="YYYY-MM-DD HH:mm"
                    disabledDate={(d) => d.isBefore(dayjs(), 'day')}
                    data-testid="hazard-deadline"
                  />
                </Form.Item>
              )}
              <Form.Item name="note" label={t('hazards.note')}>
                <Input.TextArea rows={3} maxLength={2000} showCount data-testid="hazard-note" />
              </Form.Item>
              {a.rectify && (
                <Form.Item name="photos" label={t('hazards.photos')}>
                  <HazardPhotoInput testId="hazard-rectify-photos" />
                </Form.Item>
              )}
              {a.verify && (
                <Form.Item name="onSite" valuePropName="checked">
                  <Checkbox>{t('hazards.onSite')}</Checkbox>
                </Form.Item>
              )}
              <Form.Item name="gps" valuePropName="checked">
                <Checkbox>{t('hazards.gps')}</Checkbox>
              </Form.Item>
              <Space wrap>
                {a.order && (
                  <Button
                    type="primary"
                    data-testid="hazard-act-order"
                    loading={busy === 'order'}
                    onClick={() => {
                      const d = form.getFieldValue('deadline') as Dayjs | undefined;
                      if (!d) {
                        form.setFields([{ name: 'deadline', errors: [t('common.required')] }]);
                        return;
                      }
                      void run('order', form, async (v) =>
                        post('order', { deadline: d.toISOString(), note: v.note?.trim(), ...(await where(v)) }),
                      );
                    }}
                  >
                    {t('hazards.actOrder')}
                  </Button>
                )}
                {a.rectify && (
                  <Button
                    type="primary"
                    data-testid="hazard-act-rectify"
                    loading={busy === 'rectify'}
                    onClick={() =>
                      void run('rectify', form, async (v) =>
                        post('rectify', multipart({ note: v.note?.trim(), ...(await where(v)) }, v.photos ?? [])),
                      )
                    }
                  >
                    {t('hazards.actRectify')}
                  </Button>
                )}
                {a.verify &&
                  [true, false].map((passed) => (
                    <Button
                      key={String(passed)}
                      type={passed ? 'primary' : 'default'}
                      danger={!passed}
                      data-testid={passed ? 'hazard-act-verify' : 'hazard-act-verify-fail'}
                      loading={busy === `verify-${passed}`}
                      onClick={() =>
                        void run(`verify-${passed}`, form, async (v) =>
                          post('verify', {
                            passed,
                            onSite: !!v.onSite,
                            note: v.note?.trim(),
                            deadline: !passed && v.deadline ? v.deadline.toISOString() : undefined,
                            ...(await where(v)),
                          }),
                        )
                      }
                    >
                      {t(passed ? 'hazards.actVerifyPass' : 'hazards.actVerifyFail')}
                    </Button>
                  ))}
                {a.signOff &&
                  [true, false].map((approve) => (
                    <Button
                      key={String(approve)}
                      type={approve ? 'primary' : 'default'}
                      danger={!approve}
                      data-testid={approve ? 'hazard-act-signoff' : 'hazard-act-return'}
                      loading={busy === `signoff-${approve}`}
                      onClick={() =>
                        void run(`signoff-${approve}`, form, async (v) =>
                          post('sign-off', {
                            approve,
                            note: v.note?.trim(),
                            deadline: !approve && v.deadline ? v.deadline.toISOString() : undefined,
                            ...(await where(v)),
                          }),
                        )
                      }
                    >
                      {t(approve ? 'hazards.actSignOff' : 'hazards.actReturn')}
                    </Button>
                  ))}
              </Space>
            </Form>
          )}
          {!anyStep && data.state !== 'signed_off' && !data.signOffBlockedBy && (
            <Typography.Text type="secondary">{t('hazards.waiting')}</Typography.Text>
          )}
          {a?.recordMeasure && (
            <>
              <Divider />
              <Form form={measureForm} layout="vertical" initialValues={{ kind: 'letter' }}>
                <Typography.Title level={5}>{t('hazards.actMeasure')}</Typography.Title>
                <Form.Item name="kind" label={t('hazards.measureKind')}>
                  <Select options={MEASURE_KINDS.map((k) => ({ value: k, label: t(`hazardMeasureKind.${k}`) }))} />
                </Form.Item>
                <Form.Item name="note" label={t('hazards.note')}>
                  <Input.TextArea rows={2} maxLength={2000} />
                </Form.Item>
                <Button
                  loading={busy === 'measure'}
                  onClick={() =>
                    void run('measure', measureForm, (v) =>
                      apiFetch('/api/hazards/measures', {
                        method: 'POST',
                        body: {
                          enterpriseId: data.enterpriseId,
                          hazardId: data.id,
                          kind: v.kind,
                          note: v.note?.trim(),
                        },
                      }),
                    )
                  }
                >
                  {t('common.submit')}
                </Button>
              </Form>
            </>
          )}
        </Space>
      )}
      <AlertDetailDrawer alertId={alertOpen} onClose={() => setAlertOpen(null)} />
    </Drawer>
  );
}
