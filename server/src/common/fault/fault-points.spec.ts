import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { armFaultPoints, faultPoint, FaultPoints, parseFaultPoints } from './fault-points';

describe('fault points (test-only crash injection)', () => {
  afterEach(() => armFaultPoints(null));

  it('parses name[:n] lists and refuses unknown names or counts below 1', () => {
    expect([...parseFaultPoints('decision.after-claim')]).toEqual([['decision.after-claim', 1]]);
    expect([...parseFaultPoints(' ingest.mid-flush:3 , decision.after-store ')]).toEqual([
      ['ingest.mid-flush', 3],
      ['decision.after-store', 1],
    ]);
    for (const bad of [
      'decision.after-lunch',
      'ingest.mid-flush:0',
      'ingest.mid-flush:x',
      ',',
      'decision.after-claim:1:2',
    ])
      expect(() => parseFaultPoints(bad)).toThrow();
  });

  it('fires on the n-th hit of its own name only, once', () => {
    const fired: string[] = [];
    const points = new FaultPoints(parseFaultPoints('ingest.before-ack:3'), (name, hit) =>
      fired.push(`${name}#${hit}`),
    );
    points.hit('ingest.mid-flush');
    points.hit('ingest.before-ack');
    points.hit('ingest.before-ack');
    expect(fired).toEqual([]);
    points.hit('ingest.before-ack');
    points.hit('ingest.before-ack');
    expect(fired).toEqual(['ingest.before-ack#3']);
  });

  it('is inert until armed, and disarms', () => {
    const fired: string[] = [];
    faultPoint('decision.after-claim');
    armFaultPoints('decision.after-claim', (name) => fired.push(name));
    faultPoint('decision.after-claim');
    armFaultPoints(null);
    faultPoint('decision.after-claim');
    expect(fired).toEqual(['decision.after-claim']);
  });

  it('really SIGKILLs the process and says which point fired', () => {
    // A child process compiles this module with swc and arms it; the second hit must kill it before "survived".
    const script = `
      const swc = require('@swc/core'); const Module = require('node:module');
      const file = ${JSON.stringify(join(__dirname, 'fault-points.ts'))};
      const { code } = swc.transformFileSync(file, { module: { type: 'commonjs' }, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } });
      const m = new Module(file); m.paths = module.paths; m._compile(code, file);
      m.exports.armFaultPoints('decision.after-store:2');
      m.exports.faultPoint('decision.after-store'); console.log('first hit passed');
      m.exports.faultPoint('decision.after-store'); console.log('survived');`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toContain('first hit passed');
    expect(r.stdout).not.toContain('survived');
    expect(r.stderr).toContain('ARCGATE_FAULT_POINT decision.after-store hit 2: SIGKILL');
  });
});
