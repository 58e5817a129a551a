import {
  idNumberCheckChar,
  isValidIdNumber,
  isValidUscc,
  maskIdNumber,
  maskName,
  maskPhone,
  usccCheckChar,
} from './identifiers';

describe('identifiers', () => {
  it('accepts an ID number whose check digit matches and rejects one that does not', () => {
    const base = '41142619900101123';
    const good = base + idNumberCheckChar(base);
    expect(isValidIdNumber(good)).toBe(true);
    const wrong = base + (good[17] === '0' ? '1' : '0');
    expect(isValidIdNumber(wrong)).toBe(false);
    expect(isValidIdNumber('11010519491231002X')).toBe(true); // the GB 11643 example
  });

  it('rejects impossible birth dates and bad shapes', () => {
    const base = '41142619900231123';
    expect(isValidIdNumber(base + idNumberCheckChar(base))).toBe(false);
    expect(isValidIdNumber('123')).toBe(false);
    expect(isValidIdNumber(12345)).toBe(false);
  });

  it('validates the unified social credit code check character', () => {
    expect(isValidUscc('91350100M000100Y43')).toBe(true); // published sample
    const base = '91411426MA44ABCD1';
    const good = base + usccCheckChar(base);
    expect(isValidUscc(good)).toBe(true);
    expect(isValidUscc(base + (good[17] === '0' ? '1' : '0'))).toBe(false);
    expect(isValidUscc('91411426MA44ABCDI0')).toBe(false); // I is not in the charset
  });

  it('masks personal data', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });
});
