import { Button, Descriptions, Drawer, Form, Image, Input, Modal, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App } from 'antd';
import { apiBlob, apiFetch } from '../../api/client';
import type { MachineView } from '../../api/types';
import { useErrorReporter } from '../../hooks/useApi';
import { fmtTime } from '../format';
import { EmptyState, ErrorState, InlineLoading } from '../states';

/** The QR image needs the token, so it is fetched as a blob and shown through an object URL. */
function useQrImage(machineId: string | null, version: number) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!machineId) return;
    let objectUrl: string | null = null;
    let live = true;
    setUrl(null);
    setError(null);
    apiBlob(`/api/codes/machines/${machineId}/qr.png`)
      .then(({ blob }) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [machineId, version]);
  return { url, error };
}

export function MachineCodeDrawer({
  machine,
  canManage,
  onClose,
  onChanged,
}: {
  machine: MachineView | null;
  canManage: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const [code, setCode] = useState(machine?.code ?? null);
  const { url, error } = useQrImage(machine?.code ? machine.id : null, version);
  const [reissuing, setReissuing] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const report = useErrorReporter();
  const [busy, setBusy] = useState(false);

  useEffect(() => setCode(machine?.code ?? null), [machine]);

  const reissue = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      const next = await apiFetch<{ code: string; url: string; issuedAt: string }>(
        `/api/codes/machines/${machine!.id}/reissue`,
        { method: 'POST', body: { reason: v.reason } },
      );
      setCode(next);
      setVersion((x) => x + 1);
      setReissuing(false);
      form.resetFields();
      void message.success(t('machines.reissued'));
      onChanged();
    } catch (e) {
      report(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={!!machine}
      onClose={onClose}
      title={`${t('machines.codeDrawer')} · ${machine?.name ?? ''}`}
      width={Math.min(420, window.innerWidth)}
      destroyOnHidden
      data-testid="code-drawer"
    >
      {!code ? (
        <EmptyState description={t('timeline.noCode')} />
      ) : (
        <>
          <div style={{ textAlign: 'center', marginBottom: 12 }}>
            {error ? (
              <ErrorState error={error} onRetry={() => setVersion((x) => x + 1)} />
            ) : url ? (
              <Image src={url} width={240} alt={code.code} data-testid="qr-image" />
            ) : (
              <InlineLoading />
            )}
          </div>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('timeline.code')}>
              <Typography.Text copyable>{code.code}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('machines.codeUrl')}>
              <Typography.Link href={code.url} target="_blank" style={{ wordBreak: 'break-all' }}>
                {code.url}
              </Typography.Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('machines.issuedAt')}>{fmtTime(code.issuedAt)}</Descriptions.Item>
          </Descriptions>
          {canManage && (
            <Button style={{ marginTop: 12 }} block onClick={() => setReissuing(true)}>
              {t('machines.reissue')}
            </Button>
          )}
        </>
      )}
      <Modal
        open={reissuing}
        title={t('machines.reissue')}
        onOk={reissue}
        confirmLoading={busy}
        onCancel={() => setReissuing(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label={t('machines.reissueReason')}
            rules={[{ required: true, min: 2, whitespace: true }]}
          >
            <Input maxLength={200} placeholder={t('machines.reissueReasonHint')} />
          </Form.Item>
        </Form>
      </Modal>
    </Drawer>
  );
}
