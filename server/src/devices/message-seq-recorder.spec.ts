import { ChipsRepository } from './chips.repository';
import { MessageSeqRecorder } from './message-seq-recorder';

type Row = { chipId: string; seq: number; at: Date };

function recorder(fail = false) {
  const writes: Row[][] = [];
  const repo = {
    recordMessageSeqs: async (rows: Row[]) => {
      if (fail) throw new Error('db down');
      writes.push(rows);
    },
  } as unknown as ChipsRepository;
  return { r: new MessageSeqRecorder(repo), writes };
}

const t = (s: number) => new Date(Date.UTC(2026, 2, 2, 9, 0, s));

describe('MessageSeqRecorder', () => {
  it('writes one row per chip with the highest seq and the latest arrival, in one statement', async () => {
    const { r, writes } = recorder();
    r.record('A', 5, t(1));
    r.record('A', 3, t(4));
    r.record('B', 1, t(2));
    r.record('A', 7, t(2));
    await r.flush();
    expect(writes).toEqual([
      [
        { chipId: 'A', seq: 7, at: t(4) },
        { chipId: 'B', seq: 1, at: t(2) },
      ],
    ]);
    await r.flush();
    expect(writes).toHaveLength(1);
  });

  it('keeps the values after a failed write so that the next flush retries them', async () => {
    const failing = recorder(true);
    failing.r.record('A', 5, t(1));
    await failing.r.flush();
    expect(failing.writes).toHaveLength(0);
    const writes: Row[][] = [];
    (failing.r as unknown as { chips: { recordMessageSeqs: (rows: Row[]) => Promise<void> } }).chips.recordMessageSeqs =
      async (rows) => {
        writes.push(rows);
      };
    failing.r.record('A', 4, t(3));
    await failing.r.flush();
    expect(writes).toEqual([[{ chipId: 'A', seq: 5, at: t(3) }]]);
  });
});
