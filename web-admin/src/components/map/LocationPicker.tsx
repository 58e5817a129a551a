import { EnvironmentOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LatLng } from './coords';

// The dialog and the map library load on the first click, never with the page (public pages stay light).
const LocationPickerDialog = lazy(() => import('./LocationPickerDialog'));

export interface LocationPickerProps {
  /** The location now (WGS-84), shown picked when the dialog opens. */
  value?: LatLng | null;
  onChange: (p: LatLng) => void;
  /** The button that opens the dialog; a default one when absent. */
  children?: ReactNode;
  testId?: string;
}

/** A form's {lat, lng} when both are numbers, else null (nothing picked yet). */
export function pointOf(v: unknown): LatLng | null {
  const p = v as { lat?: unknown; lng?: unknown } | null | undefined;
  return typeof p?.lat === 'number' && typeof p?.lng === 'number' ? { lat: p.lat, lng: p.lng } : null;
}

/** Picks a location on the region map: a button, then a dialog with the map (tiles if configured, boundaries). */
export function LocationPicker({ value, onChange, children, testId = 'location-picker' }: LocationPickerProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  return (
    <>
      <span
        onClick={() => {
          setLoaded(true);
          setOpen(true);
        }}
      >
        {children ?? (
          <Button icon={<EnvironmentOutlined />} data-testid={testId}>
            {t('map.pick')}
          </Button>
        )}
      </span>
      {loaded && (
        <Suspense fallback={null}>
          <LocationPickerDialog
            open={open}
            value={value ?? null}
            onCancel={() => setOpen(false)}
            onPick={(p) => {
              setOpen(false);
              onChange(p);
            }}
          />
        </Suspense>
      )}
    </>
  );
}
