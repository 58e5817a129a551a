import { assertXlsxUpload, rfc5987, XLSX_MIME } from './xlsx-files';

describe('xlsx uploads and downloads', () => {
  const file = (originalname: string, mimetype: string) => ({
    originalname,
    mimetype,
    size: 4,
    buffer: Buffer.from('PK..'),
  });

  it('percent-encodes Chinese file names per RFC 5987', () => {
    expect(rfc5987("焊机台账(1)'*.xlsx")).toBe('%E7%84%8A%E6%9C%BA%E5%8F%B0%E8%B4%A6%281%29%27%2A.xlsx');
  });

  it('accepts .xlsx and refuses other types with 415 and a missing file with 400', () => {
    expect(() => assertXlsxUpload(file('台账.XLSX', XLSX_MIME))).not.toThrow();
    expect(() => assertXlsxUpload(file('a.xlsx', 'application/octet-stream'))).not.toThrow();
    expect(() => assertXlsxUpload(file('a.xls', 'application/vnd.ms-excel'))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FILE' }),
    );
    expect(() => assertXlsxUpload(file('a.xlsx', 'text/csv'))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FILE' }),
    );
    expect(() => assertXlsxUpload(undefined)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
