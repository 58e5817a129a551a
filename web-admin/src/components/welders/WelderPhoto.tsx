import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiBlob } from '../../api/client';

/**
 * The welder's approved portrait (issue 14 §3), so that whoever looks at the badge can tell it belongs
 * to the person. `path` serves the image (the badge: /api/welders/:id/photo/image; the public scan:
 * /api/public/codes/:code/photo, anonymous). Shows nothing when there is no approved photo.
 */
export function WelderPhoto({ path, anonymous = false }: { path: string; anonymous?: boolean }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);

  useEffect(() => {
    let made: string | null = null;
    let live = true;
    setUrl(null);
    apiBlob(path, { anonymous })
      .then(({ blob }) => {
        if (!live || !blob.type.startsWith('image/')) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      // No approved photo (404) or the deployment keeps photos private: the badge goes without one.
      .catch(() => undefined);
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [path, anonymous]);

  if (!url) return null;
  return (
    <figure style={{ margin: '0 auto', textAlign: 'center' }}>
      <img
        src={url}
        alt={t('welderPhoto.alt')}
        data-testid="welder-photo"
        style={{ width: 132, height: 176, objectFit: 'cover', borderRadius: 8, border: '1px solid #f0f0f0' }}
      />
      <figcaption style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', marginTop: 4 }}>
        {t('welderPhoto.caption')}
      </figcaption>
    </figure>
  );
}
