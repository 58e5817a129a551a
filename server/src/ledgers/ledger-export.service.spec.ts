import { FakeClock } from '../common/clock/clock';
import { Paginated, PaginationQueryDto } from '../common/http/pagination';
import { LedgerExportService, MAX_CONCURRENT_EXPORTS } from './ledger-export.service';
import { assertXlsxUpload, rfc5987, XLSX_MIME } from '../common/http/xlsx-files';

class Query extends PaginationQueryDto {
  kind?: string;
}

function lister(total: number) {
  const calls: Query[] = [];
  const list = async (q: Query): Promise<Paginated<number>> => {
    calls.push(q);
    const start = (q.page - 1) * q.pageSize;
    const items = Array.from({ length: Math.max(0, Math.min(q.pageSize, total - start)) }, (_, i) => start + i);
    return { items, total, page: q.page, pageSize: q.pageSize };
  };
  return { calls, list };
}

describe('LedgerExportService', () => {
  const service = new LedgerExportService(new FakeClock(new Date('2026-01-05T20:00:00Z')));

  const collect = async <T>(batches: AsyncIterable<T[]>) => {
    const sizes: number[] = [];
    const items: T[] = [];
    for await (const b of batches) {
      sizes.push(b.length);
      items.push(...b);
    }
    return { sizes, items };
  };

  it("walks every page of the list with the caller's filters, ignoring the requested page", async () => {
    const { calls, list } = lister(450);
    const q = Object.assign(new Query(), { kind: 'gas', page: 7, pageSize: 5 });
    const { sizes, items } = await collect(service.batches(list, q, 1000, 200));
    expect(items).toEqual(Array.from({ length: 450 }, (_, i) => i));
    expect(sizes).toEqual([200, 200, 50]);
    expect(calls.map((c) => [c.page, c.pageSize, c.kind, c instanceof Query])).toEqual([
      [1, 200, 'gas', true],
      [2, 200, 'gas', true],
      [3, 200, 'gas', true],
    ]);
    expect(q.page).toBe(7);
  });

  it('stops at the count it started with when rows are added meanwhile', async () => {
    let total = 400;
    const list = async (q: Query): Promise<Paginated<number>> => {
      const start = (q.page - 1) * q.pageSize;
      const r = {
        items: Array.from({ length: q.pageSize }, (_, i) => start + i),
        total,
        page: q.page,
        pageSize: q.pageSize,
      };
      total += 300; // always a full page: someone keeps registering machines
      return r;
    };
    expect((await collect(service.batches(list, new Query(), 1000, 200))).items).toHaveLength(400);
  });

  it('refuses exports above the cap instead of truncating them', async () => {
    await expect(collect(service.batches(lister(11).list, new Query(), 10))).rejects.toMatchObject({
      code: 'EXPORT_TOO_LARGE',
      details: { total: 11, maxRows: 10 },
    });
  });

  it(`runs at most ${MAX_CONCURRENT_EXPORTS} exports at once; the next starts when one ends`, async () => {
    const own = new LedgerExportService(new FakeClock(new Date('2026-01-05T20:00:00Z')));
    const spec = { sheetName: '焊机台账', asciiBase: 'machines', columns: [{ header: 'n', value: (n: number) => n }] };
    const running = await Promise.all(
      Array.from({ length: MAX_CONCURRENT_EXPORTS }, () => own.export(spec, lister(1).list, new Query())),
    );
    let started = false;
    const next = own.export(spec, lister(1).list, new Query()).then((f) => {
      started = true;
      return f;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(started).toBe(false);
    running[0].stream.destroy();
    const f = await next;
    expect(started).toBe(true);
    for (const r of [...running.slice(1), f]) r.stream.destroy();
  });

  it('names files with the China calendar date', async () => {
    const file = await service.export(
      { sheetName: '焊机台账', asciiBase: 'machines', columns: [{ header: 'n', value: (n: number) => n }] },
      lister(1).list,
      new Query(),
    );
    file.stream.destroy();
    expect([file.asciiName, file.chineseName]).toEqual(['machines-2026-01-06.xlsx', '焊机台账-2026-01-06.xlsx']);
  });
});

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
