import { existsSync, promises as fs } from 'node:fs';
import { SimulatedMachine } from './simulated-machine';

describe('SimulatedMachine lifecycle', () => {
  it('does nothing in its constructor and refuses actions until started', async () => {
    const machine = new SimulatedMachine({ name: 'idle', kind: 'electric_arc' });
    expect(machine.running).toBe(false);
    expect(() => machine.paths).toThrow(/not started/);
    expect(() => machine.pressTrigger()).toThrow(/not started/);
    expect(() => machine.cutNetwork()).toThrow(/not started/);
    await expect(machine.scanBadge('X')).rejects.toThrow(/not started/);
    await machine.stop();
  });

  it('rejects names that would escape its directory', async () => {
    await expect(new SimulatedMachine({ name: '../etc', kind: 'gas' }).start()).rejects.toThrow(/machine name/);
    await expect(new SimulatedMachine({ name: '', kind: 'gas' }).start()).rejects.toThrow(/machine name/);
  });

  it('starts once, writes its state file, and cleans up its own directory on stop', async () => {
    const machine = new SimulatedMachine({ name: 'life-1', kind: 'resistance', seed: 2 });
    const changes: boolean[] = [];
    machine.on('change', (s) => changes.push(s.running));
    const paths = await machine.start();
    try {
      expect(await machine.start()).toBe(paths);
      expect([paths.serialPath, paths.scannerPath, paths.boardPath].every((p) => existsSync(p))).toBe(true);
      const state = JSON.parse(await fs.readFile(paths.stateFile, 'utf8'));
      expect(state).toMatchObject({
        name: 'life-1',
        kind: 'resistance',
        running: true,
        relayClosed: false,
        network: 'up',
      });
      machine.startGasLeak();
      machine.openEnclosure();
      expect(machine.snapshot()).toMatchObject({ gasLeak: true, enclosureOpen: true, setpoint: 180 });
    } finally {
      await machine.stop();
    }
    expect(changes.at(-1)).toBe(false);
    expect(existsSync(paths.dir)).toBe(false);
    expect(() => machine.openEnclosure()).toThrow(/not started/);
  });
});
