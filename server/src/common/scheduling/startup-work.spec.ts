import { StartupWork } from './startup-work';

describe('StartupWork', () => {
  it('lists what runs until it ends, and settles after everything tracked, failures included', async () => {
    const work = new StartupWork();
    let finishScan!: () => void;
    let failCensus!: (e: Error) => void;
    work.track('certificate scan', new Promise<void>((r) => (finishScan = r)));
    work.track('census', new Promise<void>((_, reject) => (failCensus = reject)));
    expect(work.pending()).toEqual(['certificate scan', 'census']);

    let settled = false;
    const all = work.settled().then(() => (settled = true));
    finishScan();
    await new Promise((r) => setImmediate(r));
    expect(work.pending()).toEqual(['census']);
    expect(settled).toBe(false);

    failCensus(new Error('database down'));
    await all;
    expect(work.pending()).toEqual([]);
  });

  it('settles at once when nothing was started', async () => {
    await expect(new StartupWork().settled()).resolves.toBeUndefined();
  });
});
