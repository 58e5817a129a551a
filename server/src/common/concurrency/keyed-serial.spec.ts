import { KeyedSerial } from './keyed-serial';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('KeyedSerial', () => {
  it('runs one key’s tasks in the order given, each after the previous settled', async () => {
    const serial = new KeyedSerial();
    const order: string[] = [];
    const first = deferred();
    const a = serial.run('chip-1', async () => {
      order.push('a start');
      await first.promise;
      order.push('a end');
    });
    const b = serial.run('chip-1', async () => {
      order.push('b');
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a start']);
    first.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual(['a start', 'a end', 'b']);
  });

  it('runs different keys concurrently', async () => {
    const serial = new KeyedSerial();
    const blocked = deferred();
    const order: string[] = [];
    const a = serial.run('chip-1', async () => {
      await blocked.promise;
      order.push('chip-1');
    });
    await serial.run('chip-2', async () => {
      order.push('chip-2');
    });
    expect(order).toEqual(['chip-2']);
    blocked.resolve();
    await a;
    expect(order).toEqual(['chip-2', 'chip-1']);
  });

  it('goes on after a failed task, whose own promise rejects, and forgets settled keys', async () => {
    const serial = new KeyedSerial();
    const failing = deferred();
    const a = serial.run('chip-1', () => failing.promise);
    const b = serial.run('chip-1', async () => 'done');
    expect(serial.pendingKeys).toBe(1);
    failing.reject(new Error('database gone'));
    await expect(a).rejects.toThrow('database gone');
    await expect(b).resolves.toBe('done');
    await new Promise((r) => setImmediate(r));
    expect(serial.pendingKeys).toBe(0);
  });
});
