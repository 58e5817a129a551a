import {
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import {
  PERMIT_LEVELS,
  type ApprovalChains,
  type ApproverPosition,
  type HolidayYearView,
  type RegionalMinimumView,
} from '../../api/types';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RegionSelect';
import { ErrorState } from '../../components/states';
import { useApi, useErrorReporter } from '../../hooks/useApi';

const LEVELS = PERMIT_LEVELS;
const POSITIONS: ApproverPosition[] = ['unit_head', 'safety_department', 'principal'];

/** Each level's chain as positions in signing order. */
function ChainTags({ chain }: { chain: ApproverPosition[] }) {
  const { t } = useTranslation();
  return (
    <Space size={2} wrap>
      {chain.map((p, i) => (
        <Tag key={`${p}${i}`}>{`${i + 1}. ${t(`position.${p}`)}`}</Tag>
      ))}
    </Space>
  );
}

/** Minimum approval chains of a region: what comes from above, the region's own rule, and its edit form. */
function MinimumCard() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const [regionCode, setRegionCode] = useState<string | undefined>(user?.regionCode ?? '411426');
  const view = useApi<RegionalMinimumView>(regionCode ? `/api/regions/${regionCode}/approval-minimums` : null);
  const [form] = Form.useForm<ApprovalChains>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (view.data) form.setFieldsValue(view.data.own ?? view.data.effective);
  }, [view.data, form]);

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !regionCode) return;
    setBusy(true);
    try {
      await apiFetch(`/api/regions/${regionCode}/approval-minimums`, { method: 'PUT', body: { chains: v } });
      void message.success(t('permitRules.saved'));
      view.reload();
    } catch (e) {
      report(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('permitRules.minimumTitle')} data-testid="minimum-chains">
      <Typography.Paragraph type="secondary">{t('permitRules.minimumHint')}</Typography.Paragraph>
      <Space style={{ marginBottom: 12 }}>
        <span>{t('permitRules.region')}</span>
        <RegionSelect value={regionCode} onChange={setRegionCode} style={{ width: 260 }} />
      </Space>
      {view.error && !view.data ? (
        <ErrorState error={view.error} onRetry={view.reload} />
      ) : (
        view.data && (
          <>
            <Table
              size="small"
              rowKey="level"
              pagination={false}
              dataSource={LEVELS.map((level) => ({ level }))}
              columns={[
                { title: '', dataIndex: 'level', width: 80, render: (l: string) => t(`permitLevel.${l}`) },
                {
                  title: t('permitRules.inherited'),
                  key: 'i',
                  render: (_: unknown, r) => <ChainTags chain={view.data!.inherited[r.level]} />,
                },
                {
                  title: t('permitRules.effective'),
                  key: 'e',
                  render: (_: unknown, r) => <ChainTags chain={view.data!.effective[r.level]} />,
                },
              ]}
            />
            <Typography.Title level={5} style={{ marginTop: 16 }}>
              {t('permitRules.own')}
              {view.data.own ? '' : ` · ${t('permitRules.noOwn')}`}
            </Typography.Title>
            <Form form={form} layout="horizontal" labelCol={{ span: 3 }}>
              {LEVELS.map((level) => (
                <Form.Item
                  key={level}
                  name={level}
                  label={t(`permitLevel.${level}`)}
                  rules={[{ required: true, type: 'array', min: 1 }]}
                >
                  <Select
                    mode="multiple"
                    placeholder={t('permitRules.stepsPlaceholder')}
                    options={POSITIONS.map((p) => ({ value: p, label: t(`position.${p}`) }))}
                  />
                </Form.Item>
              ))}
              <Button type="primary" loading={busy} onClick={save} data-testid="minimum-save">
                {t('common.save')}
              </Button>
            </Form>
          </>
        )
      )}
    </Card>
  );
}

/** Parses "YYYY-MM-DD name" lines; the line number of the first bad one otherwise. */
function parseDays(text: string): { days: { date: string; name: string }[] } | { badLine: number } {
  const days: { date: string; name: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const m = /^(\d{4}-\d{2}-\d{2})\s+(\S.*)$/.exec(line);
    if (!m) return { badLine: i + 1 };
    days.push({ date: m[1], name: m[2].trim() });
  }
  return { days };
}

/** The national statutory holiday calendar: shown to everyone, entered per year by the platform admin. */
function HolidayCard() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const [year, setYear] = useState<number>(new Date().getFullYear());
  const view = useApi<HolidayYearView>(`/api/holiday-calendar/${year}`);
  const [form] = Form.useForm<{ published: boolean; source: string; days: string }>();
  const [busy, setBusy] = useState(false);
  const admin = user?.role === 'platform_admin';
  useEffect(() => {
    if (view.data)
      form.setFieldsValue({
        published: view.data.published,
        source: view.data.source,
        days: view.data.days.map((d) => `${d.date} ${d.name}`).join('\n'),
      });
  }, [view.data, form]);

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const parsed = parseDays(v.days ?? '');
    if ('badLine' in parsed) {
      form.setFields([{ name: 'days', errors: [t('permitRules.badLine', { line: parsed.badLine })] }]);
      return;
    }
    setBusy(true);
    try {
      await apiFetch(`/api/holiday-calendar/${year}`, {
        method: 'PUT',
        body: { published: v.published, source: v.source, days: parsed.days },
      });
      void message.success(t('permitRules.saved'));
      view.reload();
    } catch (e) {
      report(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('permitRules.holidayTitle')} data-testid="holiday-calendar">
      <Typography.Paragraph type="secondary">{t('permitRules.holidayHint')}</Typography.Paragraph>
      <Space style={{ marginBottom: 12 }}>
        <span>{t('permitRules.year')}</span>
        <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
      </Space>
      {view.error && !view.data ? (
        <ErrorState error={view.error} onRetry={view.reload} />
      ) : (
        view.data && (
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('permitRules.published')}>
              {view.data.published ? t('common.yes') : t('permitRules.notPublished')}
            </Descriptions.Item>
            <Descriptions.Item label={t('permitRules.source')}>{view.data.source || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('permitRules.days')}>
              <Space size={2} wrap>
                {view.data.days.map((d) => (
                  <Tag key={d.date}>{`${d.date} ${d.name}`}</Tag>
                ))}
              </Space>
              <div>{t('permitRules.daysCount', { count: view.data.days.length })}</div>
            </Descriptions.Item>
          </Descriptions>
        )
      )}
      {admin && (
        <Form form={form} layout="vertical" style={{ marginTop: 16 }}>
          <Typography.Title level={5}>{t('permitRules.editYear')}</Typography.Title>
          <Form.Item name="published" label={t('permitRules.published')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="source" label={t('permitRules.source')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={300} />
          </Form.Item>
          <Form.Item name="days" label={t('permitRules.daysInput')}>
            <Input.TextArea rows={8} placeholder={t('permitRules.daysExample')} />
          </Form.Item>
          <Button type="primary" loading={busy} onClick={save} data-testid="holiday-save">
            {t('common.save')}
          </Button>
        </Form>
      )}
    </Card>
  );
}

export default function PermitRulesPage() {
  const { t } = useTranslation();
  return (
    <div data-testid="permit-rules-page">
      <PageHeader title={t('permitRules.title')} />
      <Space direction="vertical" style={{ width: '100%' }} size={16}>
        <MinimumCard />
        <HolidayCard />
      </Space>
    </div>
  );
}
