import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { FakeClock } from '../clock/clock';
import { writeSecurityArtifact } from '../../../test-support/security-artifact';
import { createTestApp, TestApp } from '../../../test-support/test-app';
import { cst } from '../../permits/testing/permit-fixtures';

/**
 * A permanent fuzzer driven by the OpenAPI document: every operation gets malformed, oversized,
 * deeply nested, NUL-bearing and wrongly typed input in its body, query and path, with the token of
 * a role that may call it. Whatever the input: no 5xx, the documented error shape on every 4xx, and
 * nothing stored (no table gains or loses a row). The counts land in
 * test-artifacts/api-fuzz-summary.json and test-artifacts/security/api-fuzz.json (SECURITY.md).
 */

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  nullable?: boolean;
  minimum?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface Case {
  cls: string;
  label: string;
  path?: Record<string, string>;
  query?: string;
  body?: { type: string; data: string } | { multipart: Record<string, string> };
}

/** Tries each in turn until one is allowed in (not 401/403): public first, then one role per kind. */
const CALLERS = [null, 'admin', 'xiayi.regulator', 'hengda.admin', 'hengda.safety', 'welder.zhang'] as const;
const NUL = 'a\u0000b';
const LONE = 'a\uD800b';
const IMPOSSIBLE_INSTANT = '2026-02-30T09:00:00+08:00';
const MAX_MUTATIONS_PER_CLASS = 12;
/** Operations that never finish answering (server-sent events): their stream would hold the fuzzer. */
const STREAMING = (op: Operation) =>
  /Server-Sent Events/i.test(op.summary ?? '') ||
  Object.values(op.responses ?? {}).some((r) => Object.keys(r.content ?? {}).includes('text/event-stream'));

describe('API fuzzer (OpenAPI-driven): no 5xx, error shape, nothing stored', () => {
  let t: TestApp;
  let doc: OpenApi;
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp({ clock });
    doc = (await t.http.get('/api/docs-json')).body as OpenApi;
    for (const u of CALLERS) if (u) tokens.set(u, await t.tokenFor(u));
  });
  afterAll(async () => {
    await t.close();
  });

  const resolve = (s: Schema | undefined, depth = 0): Schema => {
    if (!s || depth > 8) return {};
    if (s.$ref) return resolve(doc.components?.schemas?.[s.$ref.split('/').pop()!], depth + 1);
    if (s.allOf?.length)
      return s.allOf.reduce<Schema>((acc, part) => {
        const r = resolve(part, depth + 1);
        return {
          ...acc,
          ...r,
          properties: { ...acc.properties, ...r.properties },
          required: [...(acc.required ?? []), ...(r.required ?? [])],
        };
      }, {});
    if (s.oneOf?.length) return resolve(s.oneOf[0], depth + 1);
    return s;
  };

  /** A plausible valid value, so that one mutated property is what validation sees. */
  const example = (raw: Schema | undefined, depth = 0): unknown => {
    const s = resolve(raw);
    if (s.example !== undefined) return s.example;
    if (s.enum?.length) return s.enum[0];
    if (s.properties && depth < 6)
      return Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, example(p, depth + 1)]));
    switch (s.type) {
      case 'string':
        return s.format === 'uuid'
          ? randomUUID()
          : s.format === 'date-time'
            ? cst(6, '09:00')
            : s.format === 'date'
              ? '2026-01-06'
              : 'fuzz';
      case 'integer':
      case 'number':
        return s.minimum ?? 1;
      case 'boolean':
        return true;
      case 'array':
        return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => example(s.items, depth + 1));
      case 'object':
        return {};
      default:
        return 'fuzz';
    }
  };

  const isDateLike = (name: string, s: Schema) =>
    s.format === 'date-time' ||
    s.format === 'date' ||
    /(At|On|Start|End|^from|^to|^at)$/.test(name) ||
    (typeof s.example === 'string' && /^\d{4}-\d{2}-\d{2}/.test(s.example));
  const wrongTypeOf = (s: Schema): unknown => {
    switch (s.type) {
      case 'string':
        return 12345;
      case 'integer':
      case 'number':
        return 'not-a-number';
      case 'boolean':
        return 'yes';
      case 'array':
        return { not: 'an array' };
      default:
        return s.properties ? 'not-an-object' : [[[]]];
    }
  };

  /** Body cases: whole-body classes plus one-property mutations of an otherwise plausible body. */
  const bodyCases = (op: Operation): Case[] => {
    const content = op.requestBody?.content ?? {};
    const json = content['application/json'];
    const multipart = content['multipart/form-data'];
    const out: Case[] = [];
    const jsonBody = (cls: string, label: string, data: string): Case => ({
      cls,
      label,
      body: { type: 'application/json', data },
    });
    out.push({
      cls: 'wrongContentType',
      label: 'text/plain body',
      body: { type: 'text/plain', data: 'username=x&password=y' },
    });
    out.push(jsonBody('deeplyNested', '3,000 levels', '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)));
    out.push(jsonBody('oversized', '1.2 MB body', JSON.stringify({ blob: 'x'.repeat(1_200_000) })));
    out.push(jsonBody('malformed', 'truncated JSON', '{"a": [1, 2'));
    out.push(jsonBody('malformed', 'array instead of object', '[]'));
    out.push(jsonBody('malformed', 'bare string', '"just a string"'));
    const schema = resolve(json?.schema ?? multipart?.schema);
    const base = (schema.properties ? example(schema) : {}) as Record<string, unknown>;
    const props = Object.entries(schema.properties ?? {}).map(([k, p]) => [k, resolve(p)] as const);
    const mutate = (cls: string, pick: (name: string, s: Schema) => unknown | undefined) => {
      let n = 0;
      const visit = (prefix: string[], entries: ReadonlyArray<readonly [string, Schema]>, depth: number) => {
        for (const [name, s] of entries) {
          if (n >= MAX_MUTATIONS_PER_CLASS) return;
          const v = pick(name, s);
          const path = [...prefix, name];
          if (v !== undefined) {
            n++;
            if (json) {
              const body = structuredClone(base);
              let at: Record<string, unknown> = body;
              for (const seg of path.slice(0, -1)) at = (at[seg] ??= {}) as Record<string, unknown>;
              at[path[path.length - 1]] = v;
              out.push(jsonBody(cls, path.join('.'), JSON.stringify(body)));
            } else if (multipart && typeof v === 'string' && path.length === 1) {
              out.push({
                cls,
                label: path.join('.'),
                body: {
                  multipart: {
                    ...(Object.fromEntries(Object.entries(base).filter(([, x]) => typeof x === 'string')) as Record<
                      string,
                      string
                    >),
                    [name]: v,
                  },
                },
              });
            }
          }
          if (s.properties && depth < 2)
            visit(
              path,
              Object.entries(s.properties).map(([k, p]) => [k, resolve(p)] as const),
              depth + 1,
            );
        }
      };
      visit([], props, 0);
    };
    mutate('nulCharacter', (_n, s) =>
      s.type === 'string' ? NUL : s.type === 'array' && resolve(s.items).type === 'string' ? [NUL] : undefined,
    );
    mutate('loneSurrogate', (_n, s) => (s.type === 'string' ? LONE : undefined));
    mutate('wrongType', (_n, s) => wrongTypeOf(s));
    mutate('nullValue', (_n, s) => (s.nullable ? undefined : null));
    mutate('arrayForObject', (_n, s) => (s.properties ? [] : undefined));
    mutate('impossibleDate', (n, s) =>
      s.type === 'string' && isDateLike(n, s)
        ? s.format === 'date' || /On$/.test(n)
          ? '2026-11-31'
          : IMPOSSIBLE_INSTANT
        : undefined,
    );
    mutate('oversizedString', (_n, s) => (s.type === 'string' && !s.enum ? 'x'.repeat(200_000) : undefined));
    return out;
  };

  const queryCases = (op: Operation): Case[] => {
    const out: Case[] = [];
    const params = (op.parameters ?? []).filter((p) => p.in === 'query').slice(0, 8);
    for (const p of params) {
      const s = resolve(p.schema);
      out.push({ cls: 'nulCharacter', label: `?${p.name}`, query: `${p.name}=a%00b` });
      out.push({ cls: 'wrongType', label: `?${p.name} twice`, query: `${p.name}=a&${p.name}=b` });
      out.push({ cls: 'malformed', label: `?${p.name}[x]`, query: `${p.name}%5Bx%5D=1` });
      out.push({ cls: 'oversizedString', label: `?${p.name} 6 KB`, query: `${p.name}=${'x'.repeat(6000)}` });
      if (isDateLike(p.name, s))
        out.push({
          cls: 'impossibleDate',
          label: `?${p.name}`,
          query: `${p.name}=${encodeURIComponent(IMPOSSIBLE_INSTANT)}`,
        });
      if (s.type === 'integer' || s.type === 'number')
        out.push({ cls: 'wrongType', label: `?${p.name}=1e999`, query: `${p.name}=1e999` });
    }
    out.push({ cls: 'unknownField', label: '?unknown', query: 'zz_unknown=1' });
    return out;
  };

  const pathCases = (op: Operation): Case[] => {
    const out: Case[] = [];
    for (const p of (op.parameters ?? []).filter((x) => x.in === 'path')) {
      out.push({ cls: 'nulCharacter', label: `{${p.name}}`, path: { [p.name]: 'a%00b' } });
      out.push({ cls: 'malformed', label: `{${p.name}} invalid UTF-8`, path: { [p.name]: '%ED%A0%80' } });
      out.push({ cls: 'malformed', label: `{${p.name}} bad percent`, path: { [p.name]: '%zz' } });
      out.push({ cls: 'oversizedString', label: `{${p.name}} 4 KB`, path: { [p.name]: 'x'.repeat(4000) } });
      out.push({ cls: 'wrongType', label: `{${p.name}}=-1`, path: { [p.name]: '-1' } });
    }
    return out;
  };

  const validPathValue = (p: Parameter) => {
    const s = resolve(p.schema);
    return s.format === 'uuid' || /id$/i.test(p.name)
      ? randomUUID()
      : s.enum?.length
        ? String(s.enum[0])
        : s.type === 'integer'
          ? '1'
          : 'FUZZ';
  };

  const send = (method: string, template: string, op: Operation, c: Case, user: string | null) => {
    let url = template;
    for (const p of (op.parameters ?? []).filter((x) => x.in === 'path'))
      url = url.replace(`{${p.name}}`, c.path?.[p.name] ?? encodeURIComponent(validPathValue(p)));
    if (c.query) url += `?${c.query}`;
    let req = (t.http as unknown as Record<string, (u: string) => request.Test>)
      [method](url)
      .timeout({ response: 5_000, deadline: 10_000 });
    if (user) req = req.set('Authorization', `Bearer ${tokens.get(user)}`);
    if (c.body && 'multipart' in c.body) {
      for (const [k, v] of Object.entries(c.body.multipart)) req = req.field(k, v);
      return req;
    }
    if (c.body) return req.set('Content-Type', c.body.type).send(c.body.data);
    return req;
  };

  /** Row counts of every table in one round trip, taken around each operation. */
  let countSql = '';
  const tableCounts = async (): Promise<Record<string, number>> => {
    if (!countSql) {
      const tables = await t.ds.query<{ tablename: string }[]>(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '%migrations%' ORDER BY 1`,
      );
      countSql = tables
        .map(({ tablename }) => `SELECT '${tablename}' AS t, count(*)::int AS n FROM "${tablename}"`)
        .join(' UNION ALL ');
    }
    return Object.fromEntries((await t.ds.query<{ t: string; n: number }[]>(countSql)).map((r) => [r.t, r.n]));
  };
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.keys({ ...a, ...b })
      .filter((k) => a[k] !== b[k])
      .map((k) => `${k}: ${a[k]} → ${b[k]}`);

  it('answers every malformed request with a 4xx in the error shape and stores nothing', async () => {
    const started = Date.now();
    const before = await tableCounts();
    const summary = {
      generatedBy: 'server/src/common/http/api-fuzz.integration-spec.ts',
      operations: 0,
      operationsSkipped: [] as string[],
      operationsByCaller: {} as Record<string, number>,
      operationsNoCallerLetIn: [] as string[],
      requests: 0,
      byClass: {} as Record<string, { tried: number; refused4xx: number; accepted2xx: number; serverError: number }>,
      byStatus: {} as Record<string, number>,
      byErrorCode: {} as Record<string, number>,
    };
    const failures: string[] = [];
    const accepted: string[] = [];
    let storedOps = 0;

    for (const [template, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        if (STREAMING(op)) {
          summary.operationsSkipped.push(`${method.toUpperCase()} ${template} (event stream)`);
          continue;
        }
        summary.operations++;
        const opBefore = await tableCounts();
        const cases = [...pathCases(op), ...queryCases(op), ...(op.requestBody ? bodyCases(op) : [])];
        // The caller: the first (anonymous, then by role) the guards let through to input handling.
        let caller: string | null = null;
        for (const u of CALLERS) {
          caller = u;
          const probe = await send(method, template, op, cases[0] ?? { cls: 'probe', label: 'probe' }, u).catch(
            (e: Error) => e,
          );
          if (probe instanceof Error) {
            failures.push(`${method.toUpperCase()} ${template} [probe as ${u ?? 'anonymous'}]: ${probe.message}`);
            break;
          }
          if (probe.status !== 401 && probe.status !== 403) break;
          // Nobody we hold a token for gets in (the broker hooks want X-Broker-Secret): fuzzed as the guards see it.
          if (u === CALLERS[CALLERS.length - 1]) {
            summary.operationsNoCallerLetIn.push(`${method.toUpperCase()} ${template} (${probe.status})`);
            caller = null;
          }
        }
        summary.operationsByCaller[caller ?? 'anonymous'] =
          (summary.operationsByCaller[caller ?? 'anonymous'] ?? 0) + 1;
        for (const c of cases) {
          let res: request.Response;
          try {
            res = await send(method, template, op, c, caller);
          } catch (e) {
            // No answer at all is as bad as a 500: a hostile request must not hang a handler.
            failures.push(`${method.toUpperCase()} ${template} [${c.cls}: ${c.label}]: ${(e as Error).message}`);
            continue;
          }
          const stat = (summary.byClass[c.cls] ??= { tried: 0, refused4xx: 0, accepted2xx: 0, serverError: 0 });
          stat.tried++;
          summary.requests++;
          summary.byStatus[res.status] = (summary.byStatus[res.status] ?? 0) + 1;
          const where = `${method.toUpperCase()} ${template} [${c.cls}: ${c.label}] as ${caller ?? 'anonymous'} → ${res.status}`;
          if (res.status >= 500) {
            stat.serverError++;
            failures.push(`${where} ${JSON.stringify(res.body).slice(0, 300)}`);
          } else if (res.status >= 400) {
            stat.refused4xx++;
            const e = (res.body as { error?: { code?: unknown; message?: unknown; fields?: unknown } })?.error;
            const shaped =
              !!e &&
              typeof e.code === 'string' &&
              typeof e.message === 'string' &&
              (e.fields === undefined ||
                (Array.isArray(e.fields) &&
                  e.fields.every((f) => typeof f?.field === 'string' && typeof f?.code === 'string')));
            if (!shaped) failures.push(`${where}: not the error shape: ${JSON.stringify(res.body).slice(0, 200)}`);
            else summary.byErrorCode[e.code as string] = (summary.byErrorCode[e.code as string] ?? 0) + 1;
          } else {
            stat.accepted2xx++;
            if (method !== 'get') accepted.push(where);
          }
        }
        const stored = diff(opBefore, await tableCounts());
        if (stored.length) storedOps++;
        if (stored.length) failures.push(`${method.toUpperCase()} ${template}: stored rows (${stored.join(', ')})`);
      }
    }
    const changed = diff(before, await tableCounts());
    const out = {
      ...summary,
      writesAccepted: accepted,
      tablesChanged: changed,
      failures,
      durationMs: Date.now() - started,
    };
    const dir = join(__dirname, '..', '..', '..', '..', 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'api-fuzz-summary.json'), `${JSON.stringify(out, null, 2)}\n`);
    // The same counts in the common format of the adversarial suites (SECURITY.md).
    writeSecurityArtifact(
      'api-fuzz',
      'API fuzzer: every OpenAPI operation with malformed, oversized, deeply nested, NUL-bearing and wrongly typed input',
      [
        ...Object.entries(summary.byClass).map(([cls, c]) => ({
          class: cls,
          tried: c.tried,
          refused: c.refused4xx,
          notes: `4xx in the documented error shape; ${c.accepted2xx} answered 2xx (reads that ignore the input), ${c.serverError} server errors`,
        })),
        {
          class: 'operation stored nothing',
          tried: summary.operations,
          refused: summary.operations - storedOps,
          notes:
            'row counts of every table before and after all hostile requests of one operation; refused = operations that stored nothing',
        },
      ],
      `${summary.operations} operations, ${summary.requests} requests`,
    );

    expect(summary.operations).toBeGreaterThan(50);
    expect(failures).toEqual([]);
    expect(changed).toEqual([]);
    expect(accepted).toEqual([]);
    // Every operation × every input class: minutes on a loaded 2-core machine, and it grows with the API.
  }, 400_000);
});
