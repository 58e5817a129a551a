/**
 * What a site engineer does on the platform before welding starts, through the public HTTP API:
 * look up the demo records, bind chips (加芯), apply for and approve a hot-work permit, record the
 * gas analysis, read the welders' badge codes. The same steps serve the tests (supertest against
 * the in-process app) and the demo (fetch against a running server).
 */

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** An HTTP call made as one of the demo users (password ArcGate#2026). */
export interface PlatformApi {
  call(user: string, method: Method, path: string, body?: object): Promise<ApiResponse>;
}

/** Like call(), but anything other than 2xx is an error naming the call and the answer. */
export async function ok(
  api: PlatformApi,
  user: string,
  method: Method,
  path: string,
  body?: object,
): Promise<ApiResponse['body']> {
  const res = await api.call(user, method, path, body);
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${method} ${path} as ${user}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const DEMO_PASSWORD = 'ArcGate#2026';

/** A PlatformApi over fetch, logging each demo user in once. */
export function fetchApi(baseUrl: string): PlatformApi {
  const tokens = new Map<string, string>();
  const token = async (user: string): Promise<string> => {
    const cached = tokens.get(user);
    if (cached) return cached;
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password: DEMO_PASSWORD }),
    });
    const body = (await res.json()) as { accessToken?: string };
    if (!res.ok || !body.accessToken) throw new Error(`login ${user}: ${res.status} ${JSON.stringify(body)}`);
    tokens.set(user, body.accessToken);
    return body.accessToken;
  };
  return {
    async call(user, method, path, body) {
      // Access tokens are short-lived and sessions end when idle (a fault run jumps the server's clock
      // by an hour): a 401 logs the user in again, once.
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${await token(user)}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        if (res.status === 401 && attempt === 0) {
          tokens.delete(user);
          continue;
        }
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      }
    },
  };
}

/** The demo records the scenarios use, found by name through the API. */
export interface DemoRecords {
  steel: string;
  /** 张伟: certificate valid, works for 恒达 (steel). */
  zhang: string;
  /** 刘洋: certificate valid, works for 恒达. */
  liu: string;
  /** 陈静: certificate expired 2025-11-20; employed by 宏远 (machinery), dispatched to 恒达. */
  chen: string;
  /** 孙磊: no certificate (建工 construction). */
  sun: string;
  /** 恒达's machines: 1号车间氩弧焊机, 2号车间二保焊机 (both electric arc). */
  steelMachines: string[];
  /** 建工 (construction)'s 工地手工焊机, electric arc, in 孔祖大道街道. */
  constructionMachine: string;
}

export async function findDemoRecords(api: PlatformApi): Promise<DemoRecords> {
  const welder = async (name: string): Promise<string> => {
    const page = await ok(api, 'admin', 'GET', `/api/welders?q=${encodeURIComponent(name)}`);
    const found = (page.items as { id: string; realName?: string; name?: string }[])[0];
    if (!found) throw new Error(`demo welder ${name} not found`);
    return found.id;
  };
  const machine = async (serial: string): Promise<string> => {
    const page = await ok(api, 'admin', 'GET', `/api/machines?q=${encodeURIComponent(serial)}`);
    const found = (page.items as { id: string; serialNumber: string }[]).find((m) => m.serialNumber === serial);
    if (!found) throw new Error(`demo machine ${serial} not found`);
    return found.id;
  };
  const enterprises = await ok(api, 'admin', 'GET', `/api/enterprises?q=${encodeURIComponent('恒达')}`);
  const steel = (enterprises.items as { id: string; name: string }[]).find(
    (e) => e.name === '夏邑县恒达钢结构有限公司',
  );
  if (!steel) throw new Error('demo enterprise 恒达 not found');
  return {
    steel: steel.id,
    zhang: await welder('张伟'),
    liu: await welder('刘洋'),
    chen: await welder('陈静'),
    sun: await welder('孙磊'),
    steelMachines: [await machine('SD-WS400-240101'), await machine('AT-NBC500-230877')],
    constructionMachine: await machine('RL-ZX7315-771235'),
  };
}

/** The server's public key that devices are provisioned with. */
export async function serverPublicKey(api: PlatformApi): Promise<string> {
  return (await ok(api, 'hengda.admin', 'GET', '/api/devices/server-key')).publicKey as string;
}

/** 加芯: binds a chip to a machine (as 恒达's admin unless told), replacing whatever chip it had. */
export async function bindChip(
  api: PlatformApi,
  machineId: string,
  chip: { chip: string; publicKey: string },
  user = 'hengda.admin',
): Promise<void> {
  const res = await api.call(user, 'POST', `/api/machines/${machineId}/chip`, {
    chipId: chip.chip,
    publicKey: chip.publicKey,
  });
  if (res.status === 200) return;
  // Another chip (an earlier demo run) is bound: unbind it and bind this one.
  const gone = await api.call(user, 'POST', `/api/machines/${machineId}/chip/unbind`, { reason: 'chip_faulty' });
  if (gone.status !== 204)
    throw new Error(
      `bind chip to ${machineId}: ${res.status} ${JSON.stringify(res.body)}; unbind: ${gone.status} ${JSON.stringify(gone.body)}`,
    );
  await ok(api, user, 'POST', `/api/machines/${machineId}/chip`, { chipId: chip.chip, publicKey: chip.publicKey });
}

/** The active badge / label code of a welder or machine. */
export async function activeCode(
  api: PlatformApi,
  kind: 'welders' | 'machines',
  id: string,
): Promise<{ code: string; url: string }> {
  const body = await ok(api, 'admin', 'GET', `/api/codes/${kind}/${id}`);
  return { code: body.code, url: body.url };
}

/** Who signs which step of 恒达's approval chain. */
const SIGNERS: Record<string, string> = {
  unit_head: 'hengda.foreman',
  safety_department: 'hengda.safety',
  principal: 'hengda.admin',
};

export interface PermitRequest {
  welderIds: string[];
  machineIds: string[];
  /** Geofence centre (the agents' POSITION) and radius. */
  site: { lat: number; lng: number };
  radiusM?: number;
  workDescription?: string;
  /** Window length from now; 2 h by default. */
  hours?: number;
}

/**
 * A permit in force now: drafted and submitted by 恒达's admin, signed step by step by whoever
 * holds the position the chain asks for next (night or holiday work raises the level and lengthens
 * the chain), with a fresh passing gas analysis.
 */
export async function approvedPermitNow(api: PlatformApi, req: PermitRequest): Promise<string> {
  const now = Date.now();
  // Half a minute back: the server refuses starts more than its clock-skew allowance (1 min) in the past.
  const start = new Date(now - 30_000);
  const end = new Date(now + (req.hours ?? 2) * 3_600_000);
  const point = { lat: req.site.lat, lng: req.site.lng };
  const { id } = await ok(api, 'hengda.admin', 'POST', '/api/permits', {
    level: 'level2',
    workDescription: req.workDescription ?? '2号车间钢梁焊接（联调演示）',
    site: {
      address: '会亭镇工业园区纬一路8号 2号车间',
      point,
      geofence: { type: 'circle', center: point, radiusM: req.radiusM ?? 100 },
    },
    plannedStart: start.toISOString(),
    plannedEnd: end.toISOString(),
    welderIds: req.welderIds,
    machineIds: req.machineIds,
    fireWatcher: { personId: await fireWatcherFor(api, req.welderIds) },
    checklist: {
      combustiblesCleared15m: true,
      extinguishersInPlace: true,
      openingsCovered: true,
      equipmentIsolated: true,
      ppeInPlace: true,
    },
  });
  let permit = await ok(api, 'hengda.admin', 'POST', `/api/permits/${id}/submit`);
  for (let guard = 0; permit.approval?.nextPosition && guard < 6; guard++) {
    const signer = SIGNERS[permit.approval.nextPosition as string];
    if (!signer) throw new Error(`no demo user holds ${permit.approval.nextPosition}`);
    permit = await ok(api, signer, 'POST', `/api/permits/${id}/approve`, { remark: '同意' });
  }
  await recordGasAnalysis(api, id);
  return id;
}

/**
 * 监护人: a registered person of 恒达 with a phone who is not welding on this permit (the server
 * refuses free text and the welder as watcher).
 */
async function fireWatcherFor(api: PlatformApi, welderIds: string[]): Promise<string> {
  const page = await ok(api, 'hengda.admin', 'GET', '/api/welders?pageSize=200');
  const me = await ok(api, 'hengda.admin', 'GET', '/api/auth/me').catch(() => null);
  const steelId = (me as { enterpriseId?: string } | null)?.enterpriseId;
  const person = (
    page.items as { id: string; employerId?: string; phoneMasked?: string | null; status?: string }[]
  ).find(
    (w) =>
      !welderIds.includes(w.id) &&
      !!w.phoneMasked &&
      w.status !== 'inactive' &&
      (!steelId || !w.employerId || w.employerId === steelId),
  );
  if (person) return person.id;
  // Both of 恒达's welders weld on this permit: register its fire watcher as a person of 恒达 (as the enterprise would).
  const watcher = await ok(api, 'hengda.admin', 'POST', '/api/welders', {
    realName: '王监护',
    idNumber: '411426198001010091',
    phone: '13900009999',
  });
  return watcher.id as string;
}

/** 动火分析: a passing analysis taken now (needed within 30 min before the first arc). */
export async function recordGasAnalysis(api: PlatformApi, permitId: string): Promise<void> {
  await ok(api, 'hengda.admin', 'POST', `/api/permits/${permitId}/gas-analyses`, {
    takenAt: new Date().toISOString(),
    gas: '甲烷',
    lelPercent: 5,
    readingPercentVol: 0.2,
    analyst: '李分析',
  });
}
