import type { DecodeAnswer, DecodeRequest } from './qr-decode.worker';

/** Reads the QR code in one video frame, or null: the phone's own detector or the fallback decoder. */
export interface FrameReader {
  read(video: HTMLVideoElement): Promise<string | null>;
  close(): void;
}

// The Shape Detection API is not in TypeScript's DOM library yet.
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (opts: { formats: string[] }) => BarcodeDetectorLike;

export function barcodeDetector(): BarcodeDetectorCtor | null {
  const ctor = (globalThis as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  return typeof ctor === 'function' ? ctor : null;
}

/** The frame is scaled down to this many pixels on its long side before decoding: enough for a code that fills a third of it. */
const MAX_SIDE = 720;

/** Chromium on Android: the platform's detector. */
function nativeReader(Ctor: BarcodeDetectorCtor): FrameReader {
  const detector = new Ctor({ formats: ['qr_code'] });
  return {
    async read(video) {
      const [hit] = await detector.detect(video);
      return hit?.rawValue || null;
    },
    close() {},
  };
}

/** iOS Safari, WeChat and the rest: jsQR in a web worker, fed with downscaled frames from a canvas. */
function workerReader(): FrameReader {
  const worker = new Worker(new URL('./qr-decode.worker.ts', import.meta.url), { type: 'module' });
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const waiting = new Map<number, (text: string | null) => void>();
  let nextId = 1;
  worker.onmessage = (e: MessageEvent<DecodeAnswer>) => {
    waiting.get(e.data.id)?.(e.data.text);
    waiting.delete(e.data.id);
  };
  return {
    read(video) {
      const w = video.videoWidth;
      const h = video.videoHeight;
      if (!ctx || !w || !h) return Promise.resolve(null);
      const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        const msg: DecodeRequest = { id, width: canvas.width, height: canvas.height, pixels: data.buffer };
        worker.postMessage(msg, [data.buffer]);
      });
    },
    close() {
      worker.terminate();
      for (const resolve of waiting.values()) resolve(null);
      waiting.clear();
    },
  };
}

export function createFrameReader(): FrameReader {
  const Ctor = barcodeDetector();
  return Ctor ? nativeReader(Ctor) : workerReader();
}
