import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button } from '../../shell/phone/kit';
import type { FrameReader } from './qr-frame-reader';

/**
 * True where the phone can film: with getUserMedia, QR codes are read by the platform's BarcodeDetector
 * (Chromium on Android) or, on iOS Safari and in WeChat's browser, by a JavaScript decoder in a web worker
 * (qr-frame-reader.ts, loaded only when the camera opens). Elsewhere people type the code.
 */
export function cameraScanSupported(): boolean {
  return !!navigator.mediaDevices?.getUserMedia && typeof Worker === 'function';
}

/** Live camera preview that reports the first QR code it reads. */
export function QrScanner({ onCode }: { onCode: (raw: string) => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [on, setOn] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const done = useRef(onCode);
  done.current = onCode;

  useEffect(() => {
    if (!on || !cameraScanSupported()) return;
    let stream: MediaStream | null = null;
    let reader: FrameReader | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const tickOnce = async () => {
      if (!live || !video.current || !reader) return;
      try {
        const text = video.current.readyState >= 2 ? await reader.read(video.current) : null;
        if (text && live) {
          setOn(false);
          done.current(text);
          return;
        }
      } catch {
        // A frame that cannot be read is skipped; the next one is tried.
      }
      if (live) timer = setTimeout(() => void tickOnce(), 200);
    };
    Promise.all([
      navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }),
      import('./qr-frame-reader'),
    ])
      .then(async ([s, { createFrameReader }]) => {
        stream = s;
        if (!live || !video.current) return void s.getTracks().forEach((tr) => tr.stop());
        reader = createFrameReader();
        video.current.srcObject = s;
        await video.current.play();
        void tickOnce();
      })
      .catch((e: unknown) => {
        if (!live) return;
        setError(
          e instanceof DOMException && e.name === 'NotAllowedError'
            ? t('welder.start.cameraDenied')
            : t('welder.start.cameraFailed'),
        );
        setOn(false);
      });
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
      reader?.close();
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [on, t]);

  if (!cameraScanSupported())
    return (
      <Alert tone="info" testId="scanner-unsupported">
        {t('welder.start.noCamera')}
      </Alert>
    );
  return (
    <div className="k-stack">
      {error && <Alert tone="warning">{error}</Alert>}
      {on ? (
        <>
          <video ref={video} className="m-video" muted playsInline />
          <Button block onClick={() => setOn(false)}>
            {t('welder.start.stopCamera')}
          </Button>
        </>
      ) : (
        <Button
          kind="primary"
          block
          large
          icon="camera"
          onClick={() => {
            setError(null);
            setOn(true);
          }}
          testId="scanner-start"
        >
          {t('welder.start.scanButton')}
        </Button>
      )}
    </div>
  );
}
