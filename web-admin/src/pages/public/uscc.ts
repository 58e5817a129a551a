// 统一社会信用代码 (GB 32100-2015) check, the same rule as the server's (server/src/common/validation/identifiers.ts),
// so that a mistyped code is caught while typing; the server checks again.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function isValidUscc(raw: string): boolean {
  const value = raw.trim().toUpperCase();
  if (value.length !== 18 || ![...value].every((c) => CHARSET.includes(c))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(value[i]) * WEIGHTS[i];
  return CHARSET[(31 - (sum % 31)) % 31] === value[17];
}
