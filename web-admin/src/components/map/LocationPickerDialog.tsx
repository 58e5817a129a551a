import { Alert, Modal, Spin, Typography } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LatLng } from './coords';
import { loadMapBase, type MapBase } from './map-api';

const RegionMap = lazy(() => import('./RegionMap'));

/** The picker's dialog: click the map to pick, confirm to use it. Loaded on demand by LocationPicker. */
export default function LocationPickerDialog({
  open,
  value,
  onCancel,
  onPick,
}: {
  open: boolean;
  value: LatLng | null;
  onCancel: () => void;
  onPick: (p: LatLng) => void;
}) {
  const { t } = useTranslation();
  const [base, setBase] = useState<MapBase | null>(null);
  const [failed, setFailed] = useState(false);
  const [draft, setDraft] = useState<LatLng | null>(value);

  useEffect(() => {
    if (open) setDraft(value);
  }, [open, value]);

  useEffect(() => {
    let live = true;
    loadMapBase().then(
      (b) => live && setBase(b),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <Modal
      open={open}
      title={t('map.pickTitle')}
      onCancel={onCancel}
      onOk={() => draft && onPick({ lat: Number(draft.lat.toFixed(6)), lng: Number(draft.lng.toFixed(6)) })}
      okText={t('map.usePick')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !draft, ...({ 'data-testid': 'location-picker-ok' } as object) }}
      width={720}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('map.pickHelp')}
      </Typography.Paragraph>
      {failed ? (
        <Alert type="error" showIcon message={t('map.loadFailed')} />
      ) : base ? (
        <Suspense fallback={<Spin style={{ display: 'block', margin: '120px auto' }} />}>
          <RegionMap base={base} picked={draft} onPick={setDraft} height={380} testId="location-picker-map" />
        </Suspense>
      ) : (
        <Spin style={{ display: 'block', margin: '120px auto' }} />
      )}
      <Typography.Text style={{ display: 'block', marginTop: 8 }} data-testid="location-picker-value">
        {draft ? t('map.picked', { lat: draft.lat.toFixed(6), lng: draft.lng.toFixed(6) }) : t('map.nothingPicked')}
      </Typography.Text>
      {base?.schematic && (
        <Typography.Text type="warning" style={{ fontSize: 12 }}>
          {t('map.schematic')}
        </Typography.Text>
      )}
    </Modal>
  );
}
