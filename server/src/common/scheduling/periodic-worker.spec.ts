import { PeriodicWorker } from './periodic-worker';

/** A run that finishes only when the test says so. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { done, open };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('PeriodicWorker', () => {
  const logger = { warn: jest.fn(), error: jest.fn() };
  let worker: PeriodicWorker | undefined;

  beforeEach(() => {
    jest.useFakeTimers();
    logger.warn.mockReset();
    logger.error.mockReset();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    jest.useRealTimers();
  });

  it('runs once per period, the first run one period after start', async () => {
    const run = jest.fn(async () => undefined);
    worker = new PeriodicWorker({ what: 'job', everyMs: 1000, run, logger });
    worker.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(run).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('never runs twice at once: a tick during a long run is skipped', async () => {
    const slow = gate();
    let active = 0;
    let maxActive = 0;
    const run = jest.fn(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await slow.done;
      active--;
    });
    worker = new PeriodicWorker({ what: 'job', everyMs: 100, run, logger });
    worker.start();
    await jest.advanceTimersByTimeAsync(550);
    expect(run).toHaveBeenCalledTimes(1);
    expect(worker.running).toBe(true);
    slow.open();
    await flush();
    expect(worker.running).toBe(false);
    await jest.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(2);
    expect(maxActive).toBe(1);
  });

  it('runNow during a run waits for that run instead of starting another', async () => {
    const slow = gate();
    const run = jest.fn(() => slow.done);
    worker = new PeriodicWorker({ what: 'job', everyMs: 100, run, logger });
    const first = worker.runNow();
    const second = worker.runNow();
    expect(run).toHaveBeenCalledTimes(1);
    slow.open();
    await Promise.all([first, second]);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('logs a failed run once, at the chosen level, and the next tick still runs', async () => {
    const run = jest.fn().mockRejectedValueOnce(new Error('db down')).mockResolvedValue(undefined);
    worker = new PeriodicWorker({ what: 'sweep', everyMs: 100, run, logger, failureLevel: 'warn' });
    worker.start();
    await jest.advanceTimersByTimeAsync(100);
    expect(logger.warn).toHaveBeenCalledWith('sweep failed: db down');
    expect(logger.error).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('logs at error level by default, also for a non-Error rejection', async () => {
    worker = new PeriodicWorker({
      what: 'scan',
      everyMs: 100,
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a non-Error rejection is the case under test
      run: () => Promise.reject('boom'),
      logger,
    });
    await worker.runNow();
    expect(logger.error).toHaveBeenCalledWith('scan failed: boom');
  });

  it('stop waits for the run in flight and no tick follows', async () => {
    const slow = gate();
    const run = jest.fn(() => slow.done);
    worker = new PeriodicWorker({ what: 'job', everyMs: 100, run, logger });
    worker.start();
    await jest.advanceTimersByTimeAsync(100);
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await flush();
    expect(stopped).toBe(false);
    slow.open();
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('setPeriod restarts the timer with the new period', async () => {
    const run = jest.fn(async () => undefined);
    worker = new PeriodicWorker({ what: 'job', everyMs: 1000, run, logger });
    worker.start();
    worker.setPeriod(100);
    await jest.advanceTimersByTimeAsync(500);
    expect(run).toHaveBeenCalledTimes(5);
  });

  it("does not keep the process alive (unref'd timer)", () => {
    jest.useRealTimers();
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    worker = new PeriodicWorker({ what: 'job', everyMs: 60_000, run: async () => undefined, logger });
    worker.start();
    const timer = setIntervalSpy.mock.results[0].value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    setIntervalSpy.mockRestore();
  });
});
