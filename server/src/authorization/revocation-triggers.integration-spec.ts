import { ReasonCode } from '@arcgate/protocol';
import { Client } from 'pg';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { DeviceGateway } from '../devices/device-gateway';
import { cst, DemoIds, demoIds } from '../permits/testing/permit-fixtures';
import { REVOCATION_CHANNEL, REVOCATION_LISTENER_APPLICATION_NAME } from './revocation-listener';
import { RevocationService } from './revocation.service';
import { activeCode, approvedPermit, at9, bindNewChip, FakeDevice, waitUntil } from './testing/arm-test-kit';

/** "At once": far below the sweep, which these tests push out to an hour so that only the triggers can act. */
const PROMPT_MS = 1_500;

describe('immediate revocation through database triggers (LISTEN/NOTIFY)', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let device: FakeDevice;
  let zhangCode: string;
  let pg: Client;
  const notifications: { kind: string; id: string }[] = [];

  beforeAll(async () => {
    t = await createTestApp({ clock });
    t.app.get(RevocationService).setSweepInterval(3_600_000);
    ids = await demoIds(t.ds);
    await t.app.get(DeviceGateway).ready();
    clock.set(at9());
    device = await new FakeDevice(t, clock, await bindNewChip(t, ids.steelMachine1)).connect();
    zhangCode = await activeCode(t, ids.zhang);
    // A second listener, as another replica would have: sees exactly what the triggers announce.
    pg = new Client({ connectionString: t.config.databaseUrl });
    await pg.connect();
    pg.on('notification', (n) => notifications.push(JSON.parse(n.payload!)));
    await pg.query(`LISTEN ${REVOCATION_CHANNEL}`);
  });
  afterAll(async () => {
    await pg?.end();
    await device?.close();
    await t?.close();
  });
  beforeEach(() => clock.set(at9()));

  const post = async (user: string, url: string, body: object = {}) => {
    const res = await t.http
      .post(url)
      .set(await t.auth(user))
      .send(body);
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const grantFor = async (permitId: string) => {
    const { answer } = await device.arm(device.armBody({ kind: 'welder_code', code: zhangCode }, { permitId }));
    expect(answer).toMatchObject({ type: 'arm.grant' });
    return answer.body.grantId as string;
  };
  const revokesOf = (grantId: string) =>
    device.received.filter((r) => r.topic.endsWith('/down/grant.revoke') && r.message.body.grantId === grantId);
  const grantRow = async (grantId: string) =>
    (
      await t.ds.query('SELECT revoked_at, revoke_reason, revoke_sent_at FROM grants WHERE grant_id = $1', [grantId])
    )[0];

  /** Runs the change; the device must hold a signed grant.revoke with the reason within PROMPT_MS of its commit. */
  async function expectPromptRevoke(
    grantId: string,
    reason: ReasonCode,
    change: () => Promise<unknown>,
  ): Promise<void> {
    const from = device.received.length;
    await change();
    const committedAt = Date.now();
    const revoke = await device.next(
      (topic, m) => topic.endsWith('/down/grant.revoke') && m.body.grantId === grantId,
      PROMPT_MS,
      from,
    );
    expect(Date.now() - committedAt).toBeLessThan(PROMPT_MS);
    expect(revoke.body).toMatchObject({ grantId, reason });
    // revoke_sent_at is written after the broker acknowledges the publish, which may land just after the device has it.
    const row = await waitUntil(
      async () => {
        const r = await grantRow(grantId);
        return r.revoke_sent_at ? r : null;
      },
      3000,
      'revoke_sent_at',
    );
    expect(row).toMatchObject({
      revoke_reason: reason,
      revoked_at: expect.any(Date),
      revoke_sent_at: expect.any(Date),
    });
  }

  it('permit cancelled via the API → PERMIT_CANCELLED at once', async () => {
    const permit = await approvedPermit(t, clock, ids);
    const grantId = await grantFor(permit);
    await expectPromptRevoke(grantId, ReasonCode.PERMIT_CANCELLED, () =>
      post('hengda.admin', `/api/permits/${permit}/cancel`, { reason: '工序调整' }),
    );
    expect(notifications).toContainEqual({ kind: 'permit', id: permit });
  });

  it('machine suspended via the API → MACHINE_SUSPENDED at once', async () => {
    const grantId = await grantFor(await approvedPermit(t, clock, ids));
    try {
      await expectPromptRevoke(grantId, ReasonCode.MACHINE_SUSPENDED, () =>
        post('huiting.regulator', `/api/machines/${ids.steelMachine1}/status`, {
          status: 'suspended',
          reason: '责令停用',
        }),
      );
    } finally {
      await post('huiting.regulator', `/api/machines/${ids.steelMachine1}/status`, { status: 'active' });
    }
  });

  it('welder code revoked via the API → WELDER_CODE_REVOKED at once', async () => {
    const grantId = await grantFor(await approvedPermit(t, clock, ids));
    await expectPromptRevoke(grantId, ReasonCode.WELDER_CODE_REVOKED, () =>
      post('hengda.admin', `/api/codes/welders/${ids.zhang}/revoke`, { reason: '工牌遗失' }),
    );
    zhangCode = (await post('hengda.admin', `/api/codes/welders/${ids.zhang}/reissue`, { reason: '补发' })).code;
  });

  it('enterprise suspended via the API → ENTERPRISE_INACTIVE at once', async () => {
    const grantId = await grantFor(await approvedPermit(t, clock, ids));
    try {
      await expectPromptRevoke(grantId, ReasonCode.ENTERPRISE_INACTIVE, () =>
        post('huiting.regulator', `/api/enterprises/${ids.steel}/status`, {
          status: 'suspended',
          reason: '未落实动火审批制度, 责令停业整顿',
        }),
      );
    } finally {
      await post('huiting.regulator', `/api/enterprises/${ids.steel}/status`, { status: 'active' });
    }
  });

  it('blackout declared via the API → BLACKOUT_IN_FORCE at once', async () => {
    const grantId = await grantFor(await approvedPermit(t, clock, ids));
    let blackoutId = '';
    try {
      await expectPromptRevoke(grantId, ReasonCode.BLACKOUT_IN_FORCE, async () => {
        blackoutId = (
          await post('xiayi.regulator', '/api/blackouts', {
            regionCode: '411426',
            kind: 'special_period',
            startsAt: cst(5, '08:59'),
            endsAt: cst(5, '18:00'),
            reason: '重大活动期间全县禁止动火',
          })
        ).id;
      });
    } finally {
      if (blackoutId) await post('xiayi.regulator', `/api/blackouts/${blackoutId}/cancel`, { reason: '活动结束' });
    }
  });

  it('special period (升级管理) declared via the API → PERMIT_NOT_APPROVED at once for a permit approved a level short', async () => {
    const grantId = await grantFor(await approvedPermit(t, clock, ids));
    let periodId = '';
    try {
      await expectPromptRevoke(grantId, ReasonCode.PERMIT_NOT_APPROVED, async () => {
        periodId = (
          await post('xiayi.regulator', '/api/blackouts', {
            regionCode: '411426',
            kind: 'special_period',
            effect: 'raise_level',
            startsAt: cst(5, '08:59'),
            endsAt: cst(5, '18:00'),
            reason: '重大活动保障期动火升级管理',
          })
        ).id;
      });
    } finally {
      if (periodId) await post('xiayi.regulator', `/api/blackouts/${periodId}/cancel`, { reason: '活动结束' });
    }
  });

  it('a rolled-back change announces and revokes nothing; unrelated edits announce nothing; the same change committed does', async () => {
    const grantId = await grantFor(await approvedPermit(t, clock, ids));
    const suspend = `UPDATE machines SET status = 'suspended', status_reason = '测试' WHERE id = $1`;
    const seen = notifications.length;
    await expect(
      t.ds.transaction(async (em) => {
        await em.query(suspend, [ids.steelMachine1]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await t.ds.query(`UPDATE machines SET status = status, status_reason = '备注' WHERE id = $1`, [ids.steelMachine1]);
    await t.ds.query(
      `UPDATE permits SET work_description = work_description || '.' WHERE id IN (SELECT permit_id FROM grants WHERE grant_id = $1)`,
      [grantId],
    );
    await new Promise((r) => setTimeout(r, PROMPT_MS));
    expect(notifications.slice(seen)).toEqual([]);
    expect(revokesOf(grantId)).toHaveLength(0);
    expect(await grantRow(grantId)).toMatchObject({ revoked_at: null });

    // Plain SQL, no module involved: the trigger alone gets the revoke out.
    try {
      await expectPromptRevoke(grantId, ReasonCode.MACHINE_SUSPENDED, () => t.ds.query(suspend, [ids.steelMachine1]));
      expect(notifications.slice(seen)).toEqual([{ kind: 'machine', id: ids.steelMachine1 }]);
    } finally {
      await t.ds.query(`UPDATE machines SET status = 'active', status_reason = NULL WHERE id = $1`, [
        ids.steelMachine1,
      ]);
    }
  });

  it('replicas racing over one change send exactly one grant.revoke', async () => {
    const grantId = await grantFor(await approvedPermit(t, clock, ids));
    const revocation = t.app.get(RevocationService);
    try {
      // The listener hears the trigger while two more "replicas" run the same check at the same moment.
      const [, a, b] = await Promise.all([
        t.ds.query(`UPDATE machines SET status = 'suspended', status_reason = '测试' WHERE id = $1`, [
          ids.steelMachine1,
        ]),
        revocation.revokeAffected({ machineId: ids.steelMachine1 }),
        revocation.revokeAffected({ machineId: ids.steelMachine1 }),
      ]);
      await waitUntil(async () => revokesOf(grantId).length > 0, PROMPT_MS, 'grant.revoke');
      await new Promise((r) => setTimeout(r, PROMPT_MS));
      expect(revokesOf(grantId)).toHaveLength(1);
      expect([...a, ...b].filter((g) => g.grantId === grantId).length).toBeLessThanOrEqual(1);
    } finally {
      await t.ds.query(`UPDATE machines SET status = 'active', status_reason = NULL WHERE id = $1`, [
        ids.steelMachine1,
      ]);
    }
  });

  it('keeps revoking at once after its database connection was cut (reconnects, catches up)', async () => {
    const listenerPid = async () =>
      (
        await t.ds.query(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
          [REVOCATION_LISTENER_APPLICATION_NAME],
        )
      )[0]?.pid as number | undefined;
    const before = await listenerPid();
    expect(before).toBeDefined();
    const grantId = await grantFor(await approvedPermit(t, clock, ids));
    const [{ ok }] = await t.ds.query('SELECT pg_terminate_backend($1) AS ok', [before]);
    expect(ok).toBe(true);
    // Changed while the listener is down or reconnecting: either the new LISTEN hears it, or the catch-up sweep finds it.
    try {
      await expectPromptRevoke(grantId, ReasonCode.MACHINE_SUSPENDED, () =>
        t.ds.query(`UPDATE machines SET status = 'suspended', status_reason = '测试' WHERE id = $1`, [
          ids.steelMachine1,
        ]),
      );
    } finally {
      await t.ds.query(`UPDATE machines SET status = 'active', status_reason = NULL WHERE id = $1`, [
        ids.steelMachine1,
      ]);
    }
    const after = await waitUntil(
      async () => {
        const pid = await listenerPid();
        return pid !== before && pid;
      },
      5000,
      'a new listener connection',
    );
    expect(after).not.toBe(before);
    const next = await grantFor(await approvedPermit(t, clock, ids));
    const permit = (await t.ds.query('SELECT permit_id FROM grants WHERE grant_id = $1', [next]))[0]
      .permit_id as string;
    await expectPromptRevoke(next, ReasonCode.PERMIT_CANCELLED, () =>
      post('hengda.admin', `/api/permits/${permit}/cancel`, { reason: '工序调整' }),
    );
  });

  it('a change the listener never heard of (triggers bypassed) is still caught by the sweep', async () => {
    const grantId = await grantFor(await approvedPermit(t, clock, ids));
    const seen = notifications.length;
    try {
      await t.ds.transaction(async (em) => {
        // Replication mode skips ordinary triggers: the same effect as a notification lost in transit.
        await em.query(`SET LOCAL session_replication_role = replica`);
        await em.query(`UPDATE machines SET status = 'suspended', status_reason = '测试' WHERE id = $1`, [
          ids.steelMachine1,
        ]);
      });
      await new Promise((r) => setTimeout(r, PROMPT_MS));
      expect(notifications.slice(seen)).toEqual([]);
      expect(revokesOf(grantId)).toHaveLength(0);
      const revoked = await t.app.get(RevocationService).sweep();
      expect(revoked).toContainEqual(expect.objectContaining({ grantId, reason: ReasonCode.MACHINE_SUSPENDED }));
      await device.next((topic, m) => topic.endsWith('/down/grant.revoke') && m.body.grantId === grantId, PROMPT_MS);
    } finally {
      await t.ds.query(`UPDATE machines SET status = 'active', status_reason = NULL WHERE id = $1`, [
        ids.steelMachine1,
      ]);
    }
  });

  // Last: a revoked certificate cannot be reinstated, so the welder cannot arm again afterwards.
  it('certificate revoked via the API → CERTIFICATE_REVOKED at once', async () => {
    const grantId = await grantFor(await approvedPermit(t, clock, ids));
    const [{ certificate_id: certificateId }] = await t.ds.query(
      'SELECT certificate_id FROM grants WHERE grant_id = $1',
      [grantId],
    );
    expect(certificateId).toEqual(expect.any(String));
    await expectPromptRevoke(grantId, ReasonCode.CERTIFICATE_REVOKED, () =>
      post('huiting.regulator', `/api/certificates/${certificateId}/status`, {
        status: 'revoked',
        reason: '违规动火作业，吊销操作证',
      }),
    );
    expect(notifications).toContainEqual({ kind: 'welder', id: ids.zhang });
  });
});
