import { DataSource } from 'typeorm';

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
}

export async function demoIds(ds: DataSource): Promise<DemoIds> {
  const one = async (sql: string, p: unknown[]) => ((await ds.query(sql, p)) as { id: string }[])[0].id;
  const ent = (name: string) => one('SELECT id FROM enterprises WHERE name = $1', [name]);
  const welder = (name: string) => one('SELECT id FROM welders WHERE real_name = $1', [name]);
  const machine = (serial: string) => one('SELECT id FROM machines WHERE serial_number = $1', [serial]);
  const users: Record<string, string> = {};
  for (const u of (await ds.query('SELECT id, username FROM users')) as { id: string; username: string }[]) users[u.username] = u.id;
  return {
    steel: await ent('夏邑县恒达钢结构有限公司'), machinery: await ent('夏邑县宏远农机制造厂'), construction: await ent('商丘市夏邑建工集团有限公司'),
    zhang: await welder('张伟'), liu: await welder('刘洋'), chen: await welder('陈静'), sun: await welder('孙磊'),
    steelMachine1: await machine('SD-WS400-240101'), steelMachine2: await machine('AT-NBC500-230877'), machineryMachine: await machine('JS-DN25-992104'),
    users,
  };
}

/** 恒达 (steel) site in 会亭镇. */
export const STEEL_SITE = { lat: 34.1721, lng: 116.0012 };

export const FULL_CHECKLIST = {
  combustiblesCleared15m: true, extinguishersInPlace: true, openingsCovered: true, equipmentIsolated: true, ppeInPlace: true,
};

/** China wall-clock time on a January 2026 day → ISO instant with offset. */
export const cst = (day: number, hhmm: string) => `2026-01-${String(day).padStart(2, '0')}T${hhmm}:00+08:00`;

export function permitBody(ids: DemoIds, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    level: 'level2',
    workDescription: '2号车间钢梁焊接',
    site: { address: '会亭镇工业园区纬一路8号 2号车间', point: STEEL_SITE, geofence: { type: 'circle', center: STEEL_SITE, radiusM: 50 } },
    plannedStart: cst(5, '09:00'),
    plannedEnd: cst(5, '17:00'),
    welderIds: [ids.zhang],
    machineIds: [ids.steelMachine1],
    fireWatcher: { name: '王监护', phone: '13900009999' },
    checklist: FULL_CHECKLIST,
    ...over,
  };
}
