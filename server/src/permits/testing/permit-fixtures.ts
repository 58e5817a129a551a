import { DataSource } from 'typeorm';
import { idNumberCheckChar } from '../../common/validation/identifiers';
import { DEMO_PASSWORD } from '../../seed/demo-data';

/**
 * Fixtures for the permit integration tests: the demo records' ids and a valid permit body that
 * tests vary one field at a time. Kept free of test-runner imports so that it type-checks with the app.
 */
export interface DemoIds {
  steel: string;
  machinery: string;
  construction: string;
  zhang: string;
  liu: string;
  chen: string;
  sun: string;
  /** steel: 1号车间氩弧焊机, 2号车间二保焊机 */
  steelMachine1: string;
  steelMachine2: string;
  /** machinery: 点焊机 */
  machineryMachine: string;
  users: Record<string, string>;
  /** A registered person of 恒达 who is not a welder on the usual permits: the fire watcher (set by registerFireWatcher). */
  watcher?: string;
}

export async function demoIds(ds: DataSource): Promise<DemoIds> {
  const one = async (sql: string, p: unknown[]) => (await ds.query<{ id: string }[]>(sql, p))[0].id;
  const ent = (name: string) => one('SELECT id FROM enterprises WHERE name = $1', [name]);
  const welder = (name: string) => one('SELECT id FROM welders WHERE real_name = $1', [name]);
  const machine = (serial: string) => one('SELECT id FROM machines WHERE serial_number = $1', [serial]);
  const users: Record<string, string> = {};
  for (const u of await ds.query<{ id: string; username: string }[]>('SELECT id, username FROM users'))
    users[u.username] = u.id;
  return {
    steel: await ent('夏邑县恒达钢结构有限公司'),
    machinery: await ent('夏邑县宏远农机制造厂'),
    construction: await ent('商丘市夏邑建工集团有限公司'),
    zhang: await welder('张伟'),
    liu: await welder('刘洋'),
    chen: await welder('陈静'),
    sun: await welder('孙磊'),
    steelMachine1: await machine('SD-WS400-240101'),
    steelMachine2: await machine('AT-NBC500-230877'),
    machineryMachine: await machine('JS-DN25-992104'),
    users,
  };
}

/** 恒达 (steel) site in 会亭镇. */
export const STEEL_SITE = { lat: 34.1721, lng: 116.0012 };

export const FULL_CHECKLIST = {
  combustiblesCleared15m: true,
  extinguishersInPlace: true,
  openingsCovered: true,
  equipmentIsolated: true,
  ppeInPlace: true,
};

/** China wall-clock time on a January 2026 day → ISO instant with offset. */
export const cst = (day: number, hhmm: string) => `2026-01-${String(day).padStart(2, '0')}T${hhmm}:00+08:00`;

/**
 * Registers 王监护 (phone 13900009999) as a person of 恒达 through the API, for tests that name both
 * of 恒达's welders on one permit. Returns the person's id.
 */
export async function registerFireWatcher(
  http: {
    post(url: string): {
      set(h: Record<string, string>): { send(b: unknown): PromiseLike<{ status: number; body: { id: string } }> };
    };
  },
  auth: Record<string, string>,
): Promise<string> {
  const body17 = '41142619800101009';
  const res = await http
    .post('/api/welders')
    .set(auth)
    .send({ realName: '王监护', idNumber: body17 + idNumberCheckChar(body17), phone: '13900009999' });
  if (res.status !== 201)
    throw new Error(`registering the fire watcher failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

type Http = { post(url: string): Req; put(url: string): Req };
type Req = {
  set(h: Record<string, string>): { send(b: unknown): PromiseLike<{ status: number; body: { id: string } }> };
};

/**
 * A further 恒达 account holding the given signing positions (each step needs a different signer, so
 * 特级 and extensions need more people than the three demo accounts). Idempotent per username.
 */
export async function createSigner(
  t: { http: Http; auth(u: string): Promise<Record<string, string>>; ds: DataSource },
  username: string,
  positions: string[],
): Promise<string> {
  const admin = await t.auth('hengda.admin');
  const enterpriseId = (
    await t.ds.query<{ id: string }[]>(`SELECT id FROM enterprises WHERE name = '夏邑县恒达钢结构有限公司'`)
  )[0].id;
  const existing = await t.ds.query<{ id: string }[]>('SELECT id FROM users WHERE username = $1', [username]);
  let id = existing[0]?.id;
  if (!id) {
    const res = await t.http
      .post('/api/users')
      .set(admin)
      .send({ username, password: DEMO_PASSWORD, displayName: username, role: 'safety_manager', enterpriseId });
    if (res.status !== 201) throw new Error(`creating ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    id = res.body.id;
  }
  const set = await t.http
    .put(`/api/enterprises/${enterpriseId}/permit-positions/${id}`)
    .set(admin)
    .send({ positions });
  if (set.status !== 200) throw new Error(`positions for ${username} failed: ${set.status}`);
  return id;
}

/** The watcher of a permit naming welderIds: the registered watcher, else whichever of 恒达's two welders is not welding. */
export function fireWatcherFor(ids: DemoIds, welderIds: unknown): { personId: string } {
  const named = Array.isArray(welderIds) ? welderIds : [];
  return { personId: ids.watcher ?? (named.includes(ids.liu) ? ids.zhang : ids.liu) };
}

export function permitBody(ids: DemoIds, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    fireWatcher: fireWatcherFor(ids, over.welderIds ?? [ids.zhang]),
    level: 'level2',
    workDescription: '2号车间钢梁焊接',
    site: {
      address: '会亭镇工业园区纬一路8号 2号车间',
      point: STEEL_SITE,
      geofence: { type: 'circle', center: STEEL_SITE, radiusM: 50 },
    },
    plannedStart: cst(5, '09:00'),
    plannedEnd: cst(5, '17:00'),
    welderIds: [ids.zhang],
    machineIds: [ids.steelMachine1],
    checklist: FULL_CHECKLIST,
    ...over,
  };
}
