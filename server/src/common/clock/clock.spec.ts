import { CLOCK_OFFSET_REREAD_MS, OffsetFileClock } from './clock';

describe('OffsetFileClock (test-only clock offset)', () => {
  function setup(initial: string | null) {
    let t = 1_000_000;
    let content: string | null = initial;
    let reads = 0;
    const clock = new OffsetFileClock(
      '/offset',
      () => t,
      () => {
        reads++;
        if (content === null) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return content;
      },
    );
    return {
      clock,
      advance: (ms: number) => (t += ms),
      write: (c: string | null) => (content = c),
      reads: () => reads,
      now: () => t,
    };
  }

  it('adds the offset in the file to the system time', () => {
    const s = setup('3600000\n');
    expect(s.clock.now().getTime()).toBe(s.now() + 3_600_000);
  });

  it('a missing file is no offset', () => {
    const s = setup(null);
    expect(s.clock.now().getTime()).toBe(s.now());
  });

  it('re-reads at most every 200 ms, so a jump shows within 200 ms', () => {
    const s = setup('0');
    s.clock.now();
    s.write('3600000');
    s.advance(CLOCK_OFFSET_REREAD_MS - 1);
    expect(s.clock.now().getTime()).toBe(s.now());
    expect(s.reads()).toBe(1);
    s.advance(1);
    expect(s.clock.now().getTime()).toBe(s.now() + 3_600_000);
    expect(s.reads()).toBe(2);
    for (let i = 0; i < 100; i++) s.clock.now();
    expect(s.reads()).toBe(2);
  });

  it('keeps the last offset while the file is empty or unparsable (caught mid-write), and takes negative offsets', () => {
    const s = setup('-5000');
    expect(s.clock.now().getTime()).toBe(s.now() - 5000);
    s.write('');
    s.advance(CLOCK_OFFSET_REREAD_MS);
    expect(s.clock.now().getTime()).toBe(s.now() - 5000);
    s.write('soon');
    s.advance(CLOCK_OFFSET_REREAD_MS);
    expect(s.clock.now().getTime()).toBe(s.now() - 5000);
  });
});
