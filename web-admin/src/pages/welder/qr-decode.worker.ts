// Decodes QR codes in camera frames off the main thread, for browsers without BarcodeDetector
// (iOS Safari, WeChat's built-in browser). Loaded by QrScanner only while the camera is open.
import jsQR from 'jsqr';

export interface DecodeRequest {
  id: number;
  width: number;
  height: number;
  /** RGBA pixels, width × height × 4 bytes (transferred, not copied). */
  pixels: ArrayBuffer;
}
export interface DecodeAnswer {
  id: number;
  text: string | null;
}

self.onmessage = (e: MessageEvent<DecodeRequest>) => {
  const { id, width, height, pixels } = e.data;
  let text: string | null = null;
  try {
    // Camera frames are mostly dark-on-light codes: skip the inverted pass, it doubles the work.
    const hit = jsQR(new Uint8ClampedArray(pixels), width, height, { inversionAttempts: 'dontInvert' });
    text = hit?.data ? hit.data : null;
  } catch {
    text = null;
  }
  (self as unknown as Worker).postMessage({ id, text } satisfies DecodeAnswer);
};
