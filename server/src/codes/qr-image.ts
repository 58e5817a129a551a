import QRCode from 'qrcode';

/** Medium error correction (~15%) survives scuffed labels while keeping modules large enough to scan. */
export const QR_ERROR_CORRECTION = 'M' as const;
/** Quiet zone in modules; scanners need some, labels have little room. */
export const QR_MARGIN = 2;
export const QR_PNG_MIN_SIZE = 128;
export const QR_PNG_MAX_SIZE = 1024;
export const QR_PNG_DEFAULT_SIZE = 512;

export function renderQrPng(text: string, size: number): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN, width: size });
}

export function renderQrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN });
}
