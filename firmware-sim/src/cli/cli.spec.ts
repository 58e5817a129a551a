import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../cli';
import { CommandError, parseCommand } from './commands';

jest.setTimeout(15_000);

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, out: () => out, err: () => err };
}

async function until(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function untilAsync(what: string, predicate: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await predicate().catch(() => false))) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('parseCommand', () => {
  it.each([
    ['trigger on', { kind: 'trigger', on: true }],
    ['  trigger off  ', { kind: 'trigger', on: false }],
    ['scan https://arcgate.example/c/W-1', { kind: 'scan', code: 'https://arcgate.example/c/W-1' }],
    ['enclosure open', { kind: 'enclosure', open: true }],
    ['enclosure close', { kind: 'enclosure', open: false }],
    ['bypass on', { kind: 'bypass', on: true }],
    ['leak off', { kind: 'leak', on: false }],
    ['overdrive on', { kind: 'overdrive', on: true }],
    ['contacts welded', { kind: 'contacts', condition: 'welded' }],
    ['contacts stuck', { kind: 'contacts', condition: 'stuck_open' }],
    ['network cut', { kind: 'network', cut: true }],
    ['network restore', { kind: 'network', cut: false }],
    ['sleep 250', { kind: 'sleep', ms: 250 }],
    ['status', { kind: 'status' }],
    ['QUIT', { kind: 'quit' }],
  ])('%s', (line, command) => {
    expect(parseCommand(line)).toEqual(command);
  });

  it('ignores blank lines and comments', () => {
    expect(parseCommand('   ')).toBeNull();
    expect(parseCommand('# welder arrives')).toBeNull();
  });

  it.each([
    'trigger',
    'trigger maybe',
    'scan',
    'scan a b',
    'sleep -5',
    'sleep 1.5',
    'network down',
    'status now',
    'weld',
  ])('rejects "%s"', (line) => {
    expect(() => parseCommand(line)).toThrow(CommandError);
  });
});

describe('arcgate-sim CLI', () => {
  it('rejects bad arguments with the usage text', async () => {
    const io = capture();
    expect(await main(['run', '--kind', 'plasma', '--name', 'M1'], { stdin: new PassThrough(), ...io })).toBe(2);
    expect(io.err()).toContain('--kind must be one of electric_arc, resistance, gas');
    expect(io.err()).toContain('usage: arcgate-sim run');
    expect(await main(['fly'], { stdin: new PassThrough(), ...io })).toBe(2);
    expect(await main(['run', '--kind', 'gas'], { stdin: new PassThrough(), ...io })).toBe(2);
    expect(io.err()).toContain('--name is required');
    expect(
      await main(['run', '--kind', 'gas', '--name', 'G1', '--clock-offset-ms', 'soon'], {
        stdin: new PassThrough(),
        ...io,
      }),
    ).toBe(2);
    expect(io.err()).toContain('--clock-offset-ms must be whole milliseconds');
  });

  it('runs a script with sleeps, then takes interactive commands until quit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-spec-'));
    const script = join(dir, 'weld.txt');
    await fs.writeFile(
      script,
      ['# a leak while the torch is on', 'trigger on', 'leak on', 'sleep 300', 'status', 'network cut'].join('\n'),
    );
    const stdin = new PassThrough();
    const io = capture();
    const run = main(
      ['run', '--kind', 'gas', '--name', 'G1', '--dir', dir, '--script', script, '--seed', '5', '--json'],
      { stdin, ...io },
    );

    try {
      await until('status line from the script', () => /relay=open trigger=on flow=0\.0L\/min flame=no/.test(io.out()));
      expect(io.out()).toContain(`firmata serial: ${join(dir, 'G1-firmata')}`);
      expect(io.out()).toContain(`badge scanner: ${join(dir, 'G1-scanner')}`);
      const json = JSON.parse(
        io
          .out()
          .split('\n')
          .find((l) => l.startsWith('{'))!,
      );
      expect(json).toMatchObject({
        name: 'G1',
        kind: 'gas',
        serialPath: join(dir, 'G1-firmata'),
        stateFile: join(dir, 'G1.state.json'),
      });
      // 300 ms into a leak the LEL reading is well above the 0–2 % baseline.
      const lel = Number(/lel=([\d.]+)%LEL/.exec(io.out())![1]);
      expect(lel).toBeGreaterThan(3);
      await until(
        'network cut',
        () =>
          io
            .out()
            .split('\n')
            .filter((l) => l === 'ok').length === 3,
      );
      // The state file is replaced asynchronously; poll it like a harness in another process would.
      let state: { network?: string; gasLeak?: boolean } = {};
      await untilAsync('network cut in the state file', async () => {
        state = JSON.parse(await fs.readFile(join(dir, 'G1.state.json'), 'utf8'));
        return state.network === 'cut';
      });
      expect(state.gasLeak).toBe(true);

      stdin.write('bypass on\nstatus\nwhatever\nenclosure open\nquit\n');
      expect(await run).toBe(0);
      expect(io.out()).toMatch(/relay=open trigger=on flow=\d+\.\dL\/min flame=yes .*bypass=on/);
      expect(io.err()).toContain('unknown command "whatever"');
      expect(io.out().trim().endsWith('machine stopped')).toBe(true);
      const final = JSON.parse(await fs.readFile(join(dir, 'G1.state.json'), 'utf8'));
      expect(final).toMatchObject({ running: false, relayClosed: false, enclosureOpen: true });
    } finally {
      stdin.end();
      await run;
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with the script line number when a script command is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-spec-'));
    const script = join(dir, 'bad.txt');
    await fs.writeFile(script, 'trigger on\nenclosure ajar\nstatus\n');
    const io = capture();
    expect(
      await main(['run', '--kind', 'electric_arc', '--name', 'M2', '--dir', dir, '--script', script], {
        stdin: new PassThrough(),
        ...io,
      }),
    ).toBe(1);
    expect(io.err()).toContain(`${script}:2: usage: enclosure open|close`);
    expect(io.out()).not.toContain('relay=');
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('ends the session on end of input and on abort (a signal)', async () => {
    const stdin = new PassThrough();
    const io = capture();
    const run = main(['run', '--kind', 'resistance', '--name', 'R1'], { stdin, ...io });
    await until('paths printed', () => io.out().includes('state file:'));
    stdin.end('status\n');
    expect(await run).toBe(0);
    expect(io.out()).toContain('relay=open trigger=off current=0.0A');

    const controller = new AbortController();
    const io2 = capture();
    const run2 = main(['run', '--kind', 'electric_arc', '--name', 'M3'], {
      stdin: new PassThrough(),
      ...io2,
      signal: controller.signal,
    });
    await until('paths printed', () => io2.out().includes('state file:'));
    controller.abort();
    expect(await run2).toBe(0);
    expect(io2.out()).toContain('machine stopped');
  });
});
