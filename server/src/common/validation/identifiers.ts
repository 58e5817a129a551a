/** Chinese resident ID number (GB 11643-1999): 17 digits, then a check character computed mod 11. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function isValidIdNumber(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{17}[\dX]$/.test(value)) return false;
  const y = Number(value.slice(6, 10)),
    m = Number(value.slice(10, 12)),
    d = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  return idNumberCheckChar(value.slice(0, 17)) === value[17];
}

/** Unified social credit code (GB 32100-2015): 18 characters, the last a check character mod 31. */
const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARSET[(31 - (sum % 31)) % 31];
}

export function isValidUscc(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 18) return false;
  if (![...value].every((c) => USCC_CHARSET.includes(c))) return false;
  return usccCheckChar(value.slice(0, 17)) === value[17];
}

export function isValidMobile(value: unknown): value is string {
  return typeof value === 'string' && /^1[3-9]\d{9}$/.test(value);
}

/** Masks keep enough to recognise a record, never enough to reconstruct it. */
export function maskIdNumber(id: string): string {
  return id.length <= 8 ? '*'.repeat(id.length) : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

export function maskPhone(phone: string): string {
  return phone.length < 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** 张三 → 张*, 欧阳娜娜 → 欧***; latin names keep the first letter. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}
