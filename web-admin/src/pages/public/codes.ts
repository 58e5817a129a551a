import { IDENTITY_CODE_PATTERN } from '@arcgate/protocol/browser';

// What a phone camera or a person hands over: the bare code, any case, or the /q/<code> address the QR holds.

/** The code inside a scanned or typed value, upper-cased; null when there is nothing code-like. */
export function parseScannedCode(raw: string): string | null {
  const text = raw.trim();
  if (!text) return null;
  const inUrl = /\/q\/([^/?#\s]+)/i.exec(text);
  let code = inUrl ? inUrl[1] : text;
  try {
    code = decodeURIComponent(code);
  } catch {
    return null;
  }
  code = code.replace(/[\s-]/g, '').toUpperCase();
  return code.length > 0 && code.length <= 64 ? code : null;
}

/** Shape only: the signature is checked by the server. */
export function looksLikeCode(code: string): boolean {
  return IDENTITY_CODE_PATTERN.test(code);
}

export function isMachineCode(code: string): boolean {
  return looksLikeCode(code) && code.startsWith('M');
}
