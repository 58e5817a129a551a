import { MessageSeqWindow, SEQ_WINDOW } from './message-seq-window';

describe('MessageSeqWindow: each envelope seq once per chip', () => {
  it('accepts increasing and late-but-unseen seqs, answers an identical re-delivery as a duplicate, refuses reuse by another id', () => {
    const w = new MessageSeqWindow();
    w.seed('C1', 0);
    expect(w.check('C1', 5, 'a5')).toBe('new');
    expect(w.check('C1', 7, 'a7')).toBe('new');
    expect(w.check('C1', 6, 'a6')).toBe('new'); // reordered, never seen
    expect(w.check('C1', 7, 'a7')).toBe('duplicate');
    expect(w.check('C1', 7, 'other')).toBe('replayed');
    expect(w.check('C1', 6, 'other')).toBe('replayed');
  });

  it('refuses seqs older than the window and at or below the seed (a restart does not reopen old seqs)', () => {
    const w = new MessageSeqWindow();
    w.seed('C2', 100);
    expect(w.check('C2', 100, 'x')).toBe('replayed');
    expect(w.check('C2', 50, 'x')).toBe('replayed');
    expect(w.check('C2', 101, 'y')).toBe('new');
    expect(w.check('C2', 101 + SEQ_WINDOW, 'z')).toBe('new');
    expect(w.check('C2', 101, 'y')).toBe('replayed'); // fell out of the window: too old to tell
  });

  it('seeded while another replica is hearing the chip, accepts its seqs still in flight once (two replicas)', () => {
    const w = new MessageSeqWindow();
    // Replica A recorded seq 100; this replica has seqs 98-100 (statuses reach every replica) still to handle.
    w.seed('C3', 100, true);
    expect(w.check('C3', 99, 's99')).toBe('new');
    expect(w.check('C3', 100, 's100')).toBe('new');
    expect(w.check('C3', 99, 'other')).toBe('replayed');
    expect(w.check('C3', 101, 's101')).toBe('new');
    expect(w.check('C3', 100 - SEQ_WINDOW, 'old')).toBe('replayed');
  });

  it('keeps chips apart', () => {
    const w = new MessageSeqWindow();
    expect(w.check('A', 1, 'i')).toBe('new');
    expect(w.check('B', 1, 'j')).toBe('new');
    expect(w.has('A') && w.has('B')).toBe(true);
  });
});
