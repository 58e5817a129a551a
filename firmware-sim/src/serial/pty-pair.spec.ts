import { existsSync, mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { BadgeScanner } from './badge-scanner';
import { choosePtyProvider, findExecutable, NO_PTY_TOOL_MESSAGE, openPtyPair, PtyProvider } from './pty-pair';

async function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 57600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

const closePort = (port: SerialPort): Promise<void> => new Promise((resolve) => port.close(() => resolve()));

/** Collects bytes from a port until `expected` bytes arrived. */
function receive(port: SerialPort, expected: number, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      port.removeListener('data', onData);
      reject(new Error(`timed out with ${Buffer.concat(chunks).length}/${expected} bytes`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (all.length >= expected) {
        clearTimeout(timer);
        port.removeListener('data', onData);
        resolve(all);
      }
    };
    port.on('data', onData);
  });
}

const providers: PtyProvider[] = (['socat', 'python3'] as const).filter((p) => findExecutable(p) !== null);

describe('openPtyPair', () => {
  it('has at least one way to make ptys on this machine', () => {
    expect(providers.length).toBeGreaterThan(0);
  });

  describe.each(providers)('with %s', (provider) => {
    it('connects the two ends as raw serial lines, both ways, binary-safe', async () => {
      const pair = await openPtyPair({ provider });
      expect(pair.provider).toBe(provider);
      const board = await openPort(pair.boardPath);
      const host = await openPort(pair.hostPath);
      try {
        const toHost = Buffer.from([0xf9, 0x02, 0x06, 0x00, 0x0a, 0x0d, 0x03, 0x7f, 0xff]);
        const arrived = receive(host, toHost.length);
        board.write(toHost);
        expect(await arrived).toEqual(toHost);

        const toBoard = Buffer.from('scan\r\n\x04\x1a');
        const back = receive(board, toBoard.length);
        host.write(toBoard);
        expect(await back).toEqual(toBoard);
      } finally {
        await closePort(host);
        await closePort(board);
        await pair.close();
      }
      expect(existsSync(pair.boardPath)).toBe(false);
      expect(existsSync(pair.hostPath)).toBe(false);
    });

    it('survives the host closing and reopening its end (an agent restart)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pty-spec-'));
      const pair = await openPtyPair({ provider, dir, boardName: 'b', hostName: 'h' });
      expect(pair.hostPath).toBe(join(dir, 'h'));
      const board = await openPort(pair.boardPath);
      try {
        await closePort(await openPort(pair.hostPath));
        const host = await openPort(pair.hostPath);
        const arrived = receive(host, 3);
        board.write(Buffer.from([1, 2, 3]));
        expect([...(await arrived)]).toEqual([1, 2, 3]);
        await closePort(host);
      } finally {
        await closePort(board);
        await pair.close();
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  });

  it('prefers socat, falls back to python3, and names apt-get install socat when neither exists', () => {
    if (findExecutable('socat')) expect(choosePtyProvider('auto').provider).toBe('socat');
    expect(() => choosePtyProvider('auto', '/nonexistent-dir')).toThrow(NO_PTY_TOOL_MESSAGE);
    expect(NO_PTY_TOOL_MESSAGE).toContain('apt-get install socat');
    expect(() => choosePtyProvider('socat', '/nonexistent-dir')).toThrow(/socat is not installed/);
  });
});

describe('BadgeScanner', () => {
  it('emits each scanned code as a CR LF line on its own serial line', async () => {
    const scanner = new BadgeScanner();
    expect(() => scanner.path).toThrow(/not started/);
    await scanner.start();
    const host = await openPort(scanner.path);
    try {
      const first = 'https://arcgate.example/c/W-3PQ7-ZK';
      const expected = Buffer.from(`${first}\r\nM-0001\r\n`);
      const arrived = receive(host, expected.length);
      await scanner.scan(first);
      await scanner.scan('M-0001');
      expect((await arrived).toString()).toBe(expected.toString());
      await expect(scanner.scan('two\nlines')).rejects.toThrow(/line breaks/);
      await expect(scanner.scan('')).rejects.toThrow(/non-empty/);
    } finally {
      await closePort(host);
      await scanner.stop();
    }
    await expect(scanner.scan('late')).rejects.toThrow(/not started/);
  });
});
