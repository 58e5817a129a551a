import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Progress, Row, Table, Typography, Upload } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import { PageHeader } from '../../components/PageHeader';
import { useDownload } from '../../hooks/useDownload';
import { errorText } from '../../i18n/errors';
import { fileErrorText, rowErrorText, type RowError } from './import-errors';

type Ledger = 'machines' | 'welders';

/** GET /api/ledgers/import-jobs/:id: the file is parsed in the background, then written all-or-nothing. */
type ImportJob = components['schemas']['ImportJobDto'];

const POLL_MS = 1000;
/** The last job per ledger survives a page reload: its result is kept by the server. */
const jobKey = (ledger: Ledger) => `arcgate.importJob.${ledger}`;
const finished = (job: ImportJob) => job.state === 'succeeded' || job.state === 'rejected' || job.state === 'failed';

function ImportCard({ ledger }: { ledger: Ledger }) {
  const { t, i18n } = useTranslation();
  const { busy, download } = useDownload();
  const [uploading, setUploading] = useState(false);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const follow = useCallback(
    async (id: string) => {
      try {
        const next = await apiFetch<ImportJob>(`/api/ledgers/import-jobs/${id}`);
        setJob(next);
        if (!finished(next)) timer.current = setTimeout(() => void follow(id), POLL_MS);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) {
          globalThis.localStorage?.removeItem(jobKey(ledger));
          setJob(null);
        } else {
          timer.current = setTimeout(() => void follow(id), POLL_MS * 3);
        }
      }
    },
    [ledger],
  );

  useEffect(() => {
    const saved = globalThis.localStorage?.getItem(jobKey(ledger));
    if (saved) void follow(saved);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [ledger, follow]);

  const upload = async (file: File) => {
    if (timer.current) clearTimeout(timer.current);
    setUploading(true);
    setJob(null);
    setUploadError(null);
    const body = new FormData();
    body.append('file', file);
    try {
      const started = await apiFetch<ImportJob>(`/api/ledgers/${ledger}/import`, { method: 'POST', body });
      globalThis.localStorage?.setItem(jobKey(ledger), started.id);
      setJob(started);
      void follow(started.id);
    } catch (e) {
      setUploadError(
        e instanceof ApiError && e.status
          ? fileErrorText(t, e.code, e.fields[0]?.code, e.details as Record<string, unknown> | undefined)
          : errorText(t, e),
      );
    } finally {
      setUploading(false);
    }
  };

  const working = !!job && !finished(job);
  const { rowsRead, rowsEstimate } = job?.progress ?? { rowsRead: 0, rowsEstimate: null };
  const rows = job?.state === 'rejected' ? (job.errors ?? []) : [];

  return (
    <Card title={t(`import.${ledger}`)} size="small" data-testid={`import-${ledger}`}>
      <div className="toolbar">
        <Button
          icon={<DownloadOutlined />}
          loading={busy}
          onClick={() =>
            // The template's hint row in the console's language (the browser's Accept-Language may differ).
            download(
              `/api/ledgers/templates/${ledger}.xlsx?lang=${i18n.language === 'en' ? 'en' : 'zh-CN'}`,
              `${ledger}-template.xlsx`,
            )
          }
        >
          {t('import.template')}
        </Button>
        <Upload
          accept=".xlsx"
          showUploadList={false}
          beforeUpload={(f) => {
            void upload(f);
            return false;
          }}
          disabled={uploading || working}
        >
          <Button type="primary" icon={<UploadOutlined />} loading={uploading || working}>
            {uploading || working ? t('import.uploading') : t('import.upload')}
          </Button>
        </Upload>
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('import.hint')}
      </Typography.Text>
      {working && (
        <div style={{ marginTop: 12 }} data-testid="import-progress">
          <Typography.Text>
            {job.state === 'queued' ? t('import.queued') : t('import.reading', { count: rowsRead })}
          </Typography.Text>
          <Progress
            percent={rowsEstimate ? Math.min(99, Math.round((rowsRead / rowsEstimate) * 100)) : 0}
            status="active"
            showInfo={!!rowsEstimate}
          />
        </div>
      )}
      {uploadError && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          message={t('import.refused')}
          description={uploadError}
        />
      )}
      {job?.state === 'succeeded' && (
        <Alert
          style={{ marginTop: 12 }}
          type="success"
          showIcon
          message={t('import.success', { count: job.result?.imported ?? 0 })}
        />
      )}
      {job?.state === 'failed' && job.error && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          message={t('import.refused')}
          description={fileErrorText(t, job.error.code, job.error.fields?.[0]?.code, job.error.details)}
        />
      )}
      {job?.state === 'rejected' && (
        <>
          <Alert
            style={{ marginTop: 12 }}
            type="error"
            showIcon
            message={t('import.rejected')}
            action={
              <Button
                size="small"
                icon={<DownloadOutlined />}
                loading={busy}
                onClick={() =>
                  download(`/api/ledgers/import-jobs/${job.id}/errors.xlsx`, `${ledger}-import-errors.xlsx`)
                }
              >
                {t('import.errorReport')}
              </Button>
            }
          />
          {rows.length > 0 && (
            <Table<RowError>
              style={{ marginTop: 12 }}
              size="small"
              title={() => t('import.errorsTitle', { count: rows.length })}
              rowKey={(r, i) => `${r.row}-${r.field ?? ''}-${i}`}
              dataSource={rows}
              pagination={{ pageSize: 20, size: 'small' }}
              scroll={{ x: 500 }}
              data-testid="import-errors"
              columns={[
                { title: t('import.row'), dataIndex: 'row', width: 60 },
                { title: t('import.column'), dataIndex: 'column', width: 120, render: (v?: string | null) => v ?? '—' },
                { title: t('import.message'), key: 'message', render: (_: unknown, r: RowError) => rowErrorText(t, r) },
              ]}
            />
          )}
        </>
      )}
    </Card>
  );
}

export default function ImportPage() {
  const { t } = useTranslation();
  return (
    <div data-testid="import-page">
      <PageHeader title={t('import.title')} subtitle={t('import.subtitle')} />
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={12}>
          <ImportCard ledger="machines" />
        </Col>
        <Col xs={24} xl={12}>
          <ImportCard ledger="welders" />
        </Col>
      </Row>
    </div>
  );
}
