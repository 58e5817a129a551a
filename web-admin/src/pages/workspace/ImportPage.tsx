import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Row, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiFetch } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { useDownload } from '../../hooks/useDownload';

type Ledger = 'machines' | 'welders';

interface RowError {
  row: number;
  column?: string;
  field?: string;
  code: string;
  message: string;
}

type Outcome = { ok: true; imported: number } | { ok: false; message: string; rows: RowError[] };

function ImportCard({ ledger }: { ledger: Ledger }) {
  const { t } = useTranslation();
  const { busy, download } = useDownload();
  const [uploading, setUploading] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const upload = async (file: File) => {
    setUploading(true);
    setOutcome(null);
    const body = new FormData();
    body.append('file', file);
    try {
      const res = await apiFetch<{ imported: number }>(`/api/ledgers/${ledger}/import`, { method: 'POST', body });
      setOutcome({ ok: true, imported: res.imported });
    } catch (e) {
      const rows = e instanceof ApiError ? ((e.details as { rows?: RowError[] } | undefined)?.rows ?? []) : [];
      const fieldRows = e instanceof ApiError && !rows.length ? e.fields.map((f) => ({ row: 0, field: f.field, code: f.code, message: f.message })) : [];
      setOutcome({ ok: false, message: e instanceof Error ? e.message : String(e), rows: rows.length ? rows : fieldRows });
    } finally {
      setUploading(false);
    }
  };

  return (
    <Card title={t(`import.${ledger}`)} size="small" data-testid={`import-${ledger}`}>
      <div className="toolbar">
        <Button icon={<DownloadOutlined />} loading={busy} onClick={() => download(`/api/ledgers/templates/${ledger}.xlsx`, `${ledger}-template.xlsx`)}>{t('import.template')}</Button>
        <Upload accept=".xlsx" showUploadList={false} beforeUpload={(f) => { void upload(f); return false; }} disabled={uploading}>
          <Button type="primary" icon={<UploadOutlined />} loading={uploading}>{uploading ? t('import.uploading') : t('import.upload')}</Button>
        </Upload>
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('import.hint')}</Typography.Text>
      {outcome?.ok && <Alert style={{ marginTop: 12 }} type="success" showIcon message={t('import.success', { count: outcome.imported })} />}
      {outcome && !outcome.ok && (
        <>
          <Alert style={{ marginTop: 12 }} type="error" showIcon message={t('import.rejected')} description={outcome.message} />
          {outcome.rows.length > 0 && (
            <Table<RowError>
              style={{ marginTop: 12 }}
              size="small"
              title={() => t('import.errorsTitle', { count: outcome.rows.length })}
              rowKey={(r, i) => `${r.row}-${r.field ?? ''}-${i}`}
              dataSource={outcome.rows}
              pagination={{ pageSize: 20, size: 'small' }}
              scroll={{ x: 500 }}
              data-testid="import-errors"
              columns={[
                { title: t('import.row'), dataIndex: 'row', width: 60 },
                { title: t('import.column'), dataIndex: 'column', width: 120, render: (v?: string) => v ?? '—' },
                { title: t('import.field'), dataIndex: 'field', width: 120, render: (v?: string) => v ?? '—' },
                { title: t('import.message'), dataIndex: 'message' },
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
        <Col xs={24} xl={12}><ImportCard ledger="machines" /></Col>
        <Col xs={24} xl={12}><ImportCard ledger="welders" /></Col>
      </Row>
    </div>
  );
}
