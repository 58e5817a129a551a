import { Button, Space, Tag, Typography } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PHOTOS } from '../public/photo';

/** Up to three JPEG/PNG photos, sent as they are (the server checks type and size from the bytes). */
export function HazardPhotoInput({
  value = [],
  onChange,
  testId,
}: {
  value?: File[];
  onChange?: (files: File[]) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <input
        ref={input}
        type="file"
        accept="image/jpeg,image/png"
        multiple
        hidden
        data-testid={testId}
        onChange={(e) => {
          const picked = [...(e.target.files ?? [])];
          onChange?.([...value, ...picked].slice(0, MAX_PHOTOS));
          e.target.value = '';
        }}
      />
      <Space wrap>
        <Button onClick={() => input.current?.click()} disabled={value.length >= MAX_PHOTOS}>
          {t('hazards.addPhotos')}
        </Button>
        {value.map((f, i) => (
          <Tag key={`${f.name}-${i}`} closable onClose={() => onChange?.(value.filter((_, j) => j !== i))}>
            {f.name}
          </Tag>
        ))}
      </Space>
      <Typography.Text type="secondary">{t('hazards.photosHint')}</Typography.Text>
    </Space>
  );
}
