import { PictureOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Image, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiBlob, apiFetch } from '../../api/client';
import { useErrorReporter } from '../../hooks/useApi';

/** Shows the certificate's photo (fetched with the session's token) in a preview. */
export function CertificatePhotoButton({ certificateId }: { certificateId: string }) {
  const { t } = useTranslation();
  const report = useErrorReporter();
  const [src, setSrc] = useState<string | null>(null);
  const open = async () => {
    try {
      const { blob } = await apiBlob(`/api/certificates/${certificateId}/photo`);
      setSrc(URL.createObjectURL(blob));
    } catch (e) {
      report(e);
    }
  };
  const close = () => {
    if (src) URL.revokeObjectURL(src);
    setSrc(null);
  };
  return (
    <>
      <Button size="small" icon={<PictureOutlined />} onClick={open} data-testid="certificate-photo">
        {t('welders.certificatePhoto')}
      </Button>
      {src && (
        <Image
          style={{ display: 'none' }}
          src={src}
          preview={{
            open: true,
            src,
            onOpenChange: (v: boolean) => {
              if (!v) close();
            },
          }}
        />
      )}
    </>
  );
}

/** Uploads (or replaces) the certificate's photo: JPEG or PNG, at most 5 MB. */
export function CertificatePhotoUpload({ certificateId, onDone }: { certificateId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const [busy, setBusy] = useState(false);
  return (
    <Upload
      accept="image/jpeg,image/png"
      showUploadList={false}
      customRequest={async ({ file }) => {
        setBusy(true);
        try {
          const body = new FormData();
          body.append('file', file as Blob);
          await apiFetch(`/api/certificates/${certificateId}/photo`, { method: 'POST', body });
          void message.success(t('welders.certificatePhotoSaved'));
          onDone();
        } catch (e) {
          report(e);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Button size="small" icon={<UploadOutlined />} loading={busy}>
        {t('welders.uploadCertificatePhoto')}
      </Button>
    </Upload>
  );
}
