/**
 * The device agent on mutual TLS (issue 17 §1): the real agent and firmware simulator connect to a
 * real Mosquitto configured by `npm run broker:config -- mosquitto`, with the certificate issued when
 * its chip was bound (fetched through the API), get online, and a welder's badge arms the machine
 * through the server, which sits on the broker's service listener with its own client certificate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOSQUITTO_BINARY, MtlsMosquitto, startMtlsMosquitto } from '../../server/test-support/mtls-mosquitto';
import { Bench, waitFor } from '../support/bench';
import { MachineRig } from '../support/machine-rig';
import { activeCode } from '../support/platform-api';

const suite = MOSQUITTO_BINARY ? describe : describe.skip;
if (!MOSQUITTO_BINARY)
  console.warn('mtls-agent: SKIPPED, no mosquitto binary (apt-get install -y mosquitto; .ci/run installs it)');

suite('device agent over mutual TLS (real Mosquitto)', () => {
  let dir: string;
  let mosquitto: MtlsMosquitto;
  let bench: Bench;
  let rig: MachineRig;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arcgate-mtls-agent-'));
    mosquitto = await startMtlsMosquitto(dir, `mtlsagent${process.pid}`);
    bench = await Bench.start({ config: mosquitto.appConfig });
    const machineId = bench.ids.steelMachines[0];
    rig = await bench.machine(
      'mtls-m1',
      machineId,
      {},
      {
        deviceUrl: mosquitto.deviceUrl,
        caFile: mosquitto.bundle.files.deviceCa,
      },
    );
    await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [machineId] });
  });

  afterAll(async () => {
    await bench?.close();
    await mosquitto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects with its chip certificate, is online, and arms on a badge scan', async () => {
    expect(rig.agent.online).toBe(true);
    await rig.machine.scanBadge((await activeCode(bench.api, 'welders', bench.ids.zhang)).url);
    await waitFor('armed over mTLS', () => rig.relayClosed() && rig.agent.state === 'armed', 20_000);
  });
});
