import { CameraOutlined } from '@ant-design/icons';
import { Alert, Button, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

// The Shape Detection API is not in TypeScript's DOM library yet.
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (opts: { formats: string[] }) => BarcodeDetectorLike;

function detectorCtor(): BarcodeDetectorCtor | null {
  const ctor = (globalThis as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  return typeof ctor === 'function' && !!navigator.mediaDevices?.getUserMedia ? ctor : null;
}

/** True where the phone can read QR codes itself (Chromium on Android); elsewhere people type the code. */
export function cameraScanSupported(): boolean {
  return detectorCtor() !== null;
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
    const Ctor = detectorCtor();
    if (!on || !Ctor) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const detector = new Ctor({ formats: ['qr_code'] });
    const tickOnce = async () => {
      if (!live || !video.current) return;
      try {
        const [hit] = video.current.readyState >= 2 ? await detector.detect(video.current) : [];
        if (hit?.rawValue && live) {
          setOn(false);
          done.current(hit.rawValue);
          return;
        }
      } catch {
        // A frame that cannot be read is skipped; the next one is tried.
      }
      timer = setTimeout(() => void tickOnce(), 250);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(async (s) => {
        stream = s;
        if (!live || !video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        void tickOnce();
      })
      .catch((e: unknown) => {
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
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [on, t]);

  if (!cameraScanSupported())
    return <Alert type="info" showIcon message={t('welder.start.noCamera')} data-testid="scanner-unsupported" />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {error && <Alert type="warning" showIcon message={error} />}
      {on ? (
        <>
          <video ref={video} className="m-video" muted playsInline />
          <Button block onClick={() => setOn(false)}>
            {t('welder.start.stopCamera')}
          </Button>
        </>
      ) : (
        <Button
          type="primary"
          block
          size="large"
          icon={<CameraOutlined />}
          onClick={() => {
            setError(null);
            setOn(true);
          }}
          data-testid="scanner-start"
        >
          {t('welder.start.scanButton')}
        </Button>
      )}
    </Space>
  );
}
