import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/*
 * Each module owns its tables: only its own files load, save or query its entities through the ORM.
 * Another module asks through the owner's port (enterprise-lookup.ts, welder-roster.ts, …). Statements
 * that join several modules' tables in SQL on purpose (the arm decision's hot path, device paths, read
 * models that name or scope rows) are declared below with the reason, so that a new one is a decision,
 * not an accident; their columns are exercised by hot-path-columns.integration-spec.ts and their own
 * integration specs.
 */
const SRC = __dirname;

/** Files allowed to touch another module's entities, and why. */
const ALLOWED: Record<string, string> = {
  'seed/demo-seeder.ts': 'the demo loader writes every module’s tables in one transaction, as a fixture does',
  'seed/demo-spread.ts':
    'the demo’s past hazard histories (deadlines already passed) written as a fixture; cases and rewards go through their services',
  'stats/stats.repository.ts':
    'the off-platform audit pages alerts of its own types (Alert); it is rebuilt on the hazard register (issue 15)',
};

const ORM_CALL =
  /(?:getRepository|InjectRepository|createQueryBuilder|\.(?:find|findOne|findOneBy|findBy|findAndCount|findOneOrFail|count|countBy|exists|existsBy|save|insert|update|delete|upsert|create|increment|decrement))\(\s*([A-Z]\w*)\s*[,)]/g;
const FOR_FEATURE = /forFeature\(\[([^\]]*)\]/g;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? files(join(dir, d.name))
      : d.name.endsWith('.ts') && !/\.(integration-)?spec\.ts$/.test(d.name)
        ? [join(dir, d.name)]
        : [],
  );
}

const moduleOf = (file: string) => relative(SRC, file).split(sep)[0];

function entityOwners(all: string[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const f of all.filter((x) => x.endsWith('.entity.ts')))
    for (const m of readFileSync(f, 'utf8').matchAll(/@Entity\([^)]*\)\s*export class (\w+)/g))
      owners.set(m[1], moduleOf(f));
  return owners;
}

function tableOwners(all: string[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const f of all.filter((x) => x.endsWith('.entity.ts')))
    for (const m of readFileSync(f, 'utf8').matchAll(/@Entity\('(\w+)'/g)) owners.set(m[1], moduleOf(f));
  return owners;
}

/** Tables named in SQL text (FROM, JOIN, UPDATE, INSERT INTO, DELETE FROM) or by name to the query builder. */
const SQL_TABLE =
  /\b(?:FROM|JOIN|UPDATE|INSERT INTO)\s+"?([a-z_]+)"?|\.(?:from|(?:inner|left)Join(?:AndSelect)?|(?:inner|left)JoinAndMapOne)\(\s*'([a-z_]+)'/g;

/**
 * Statements that read other modules' tables in SQL on purpose, by file and table. Reads by id go
 * through the owner's port; these are joins, counts and scope filters that one statement does better.
 */
const SQL_READ_MODELS: Record<string, { tables: string[]; why: string }> = {
  // The arm decision and what keeps its grants honest: one round trip each (hot-path-columns.integration-spec.ts).
  'authorization/authorization.statements.ts': {
    tables: [
      'blackouts',
      'chips',
      'enterprises',
      'identity_codes',
      'machines',
      'permit_machines',
      'permit_welders',
      'permits',
      'welders',
    ],
    why: 'the arm decision hot path',
  },
  'permits/permit-context.ts': {
    tables: ['blackouts', 'certificates', 'enterprises', 'machine_loans', 'machines', 'welders'],
    why: 'the permit half of the arm decision, in the same statement',
  },
  'authorization/grants.repository.ts': {
    tables: ['blackouts', 'certificates', 'enterprises', 'identity_codes', 'machines', 'permits', 'welders'],
    why: 'the revocation sweep re-checks every live grant against the facts of its decision in one statement',
  },
  'authorization/authorization.repository.ts': { tables: ['enterprises', 'machines'], why: 'decision context' },
  'authorization/arm-sessions.service.ts': {
    tables: ['chips', 'machines', 'permits'],
    why: 'phone sessions: one join per scan',
  },
  'authorization/decisions.service.ts': {
    tables: ['welders'],
    why: 'decision list: welder names (scoped by its own region_path)',
  },
  'authorization/phone-push.ts': { tables: ['chips'], why: 'which phone sessions have an online device' },
  // Device paths: per-message statements over the chip and its grant.
  'devices/chips.repository.ts': {
    tables: ['grants', 'machines'],
    why: 'chip binding and live-grant checks per message',
  },
  'devices/device-presence.ts': { tables: ['permit_machines', 'permits'], why: 'offline during a permit in force' },
  'devices/pki/device-certificates.repository.ts': {
    tables: ['enterprises', 'machines'],
    why: 'certificate backfill and renewal: only chips a machine really holds (machines.chip_id, the source of truth), with the region its audit entry is scoped to',
  },
  'telemetry/grant-lookup.ts': { tables: ['grants'], why: 'arc events matched to their grant per batch' },
  'telemetry/telemetry-rules.ts': { tables: ['enterprises', 'permits'], why: 'event rules per batch' },
  'telemetry/telemetry.repository.ts': { tables: ['chips'], why: 'sequence check and store in one statement' },
  'public/inspector-scan.ts': {
    tables: ['permit_machines', 'permits'],
    why: 'the inspector scan on site (issue 15 §2): the permit in force naming the scanned machine',
  },
  'public/public-scan.repository.ts': {
    tables: ['grants', 'permit_machines', 'permits', 'welder_photos'],
    why: 'is this machine working legally now; the approved welder photo behind a valid code (WELDER_PHOTO_PUBLIC)',
  },
  // Read models: lists and counts that name or scope rows of several modules.
  'cases/enforcement-statistics.repository.ts': {
    tables: ['hazards', 'regions'],
    why: 'enforcement statistics per township and month: hazards and cases counted in one statement (issue 15 §3)',
  },
  'hazards/statistics/hazard-statistics.repository.ts': {
    tables: ['enterprises', 'regions'],
    why: 'hazard statistics by township × industry × category in one statement (issue 15 §5)',
  },
  'hazards/hazards.repository.ts': {
    tables: ['enterprises'],
    why: "the hazard list's industry filter (statistics drill-down, issue 15 §5)",
  },
  'today/today.repository.ts': {
    tables: ['enterprises', 'hazards', 'inspection_plans', 'inspection_targets', 'regions', 'reports'],
    why: "a regulator's day: overdue hazards, sign-offs, today's inspections, reports waiting (issue 15 §5)",
  },
  'alerts/alert-context.ts': {
    tables: ['identity_codes', 'machines', 'permits', 'regions', 'welders'],
    why: 'alert rows name the machine, welder, permit and township (issue 14 §2)',
  },
  'alerts/certificate-expiry.scanner.ts': {
    tables: ['certificates', 'welders'],
    why: 'expiry scan over all certificates',
  },
  'arcs/arcs.repository.ts': { tables: ['machines', 'welders'], why: 'arc list: machine and welder names' },
  'audit/audit-names.ts': {
    tables: [
      'certificates',
      'enterprises',
      'hazards',
      'identity_codes',
      'machines',
      'permits',
      'regions',
      'reports',
      'users',
      'welders',
    ],
    why: 'the audit log names the object of every entry, whatever module owns it',
  },
  'audit/audit.repository.ts': { tables: ['enterprises'], why: 'scope by region' },
  'machines/machines.repository.ts': {
    tables: ['identity_codes'],
    why: 'the ledger export: each machine with its active code, in the one statement its cursor reads',
  },
  'enterprises/enterprises.repository.ts': {
    tables: ['machines', 'welders'],
    why: 'machine and welder counts per listed enterprise',
  },
  'map/map.repository.ts': {
    tables: ['alerts', 'chips', 'enterprises', 'machines', 'permit_machines', 'permits', 'reports'],
    why: 'the overview map: one bounded statement per layer, placing rows of several modules',
  },
  'inspections/inspections.repository.ts': {
    tables: ['alerts', 'enterprises', 'regions', 'users'],
    why: '双随机 draw (issue 15 §2): the region’s active enterprises with their open alerts, and its regulator accounts, read in the plan’s transaction so that the recorded draw inputs are exactly what was drawn from',
  },
  'off-platform/off-platform.repository.ts': {
    tables: [
      'certificates',
      'chips',
      'enterprises',
      'grants',
      'inspection_unregistered_machines',
      'machines',
      'permit_machines',
      'permit_welders',
      'permits',
      'regions',
      'reports',
      'welder_engagements',
      'welders',
    ],
    why: 'the off-platform audit (issue 15 §0): suspect lists and a ranking judged per row over every module, paged in SQL',
  },
  'permits/permit-view.ts': { tables: ['users'], why: 'display names on the approval trail' },
  'stats/stats.repository.ts': {
    tables: ['alerts', 'chips', 'enterprises', 'machines', 'permits', 'regions', 'welders'],
    why: 'the overview: counts over every module',
  },
  'stats/census/census.repository.ts': {
    tables: ['alerts', 'enterprises', 'machines', 'permits', 'regions', 'welders'],
    why: 'the overview’s pre-aggregated census: counts over every module, rewritten every few minutes',
  },
  'welders/certificate-census.ts': { tables: ['enterprises'], why: 'scope by region' },
  'welders/certificates.repository.ts': { tables: ['enterprises'], why: 'scope by region' },
  'welders/engagements.repository.ts': {
    tables: ['permit_welders', 'permits'],
    why: 'an engagement named on a permit cannot end early',
  },
  'welders/welder-access.ts': { tables: ['enterprises'], why: 'scope by region' },
  'welders/welder-photos.repository.ts': {
    tables: ['enterprises'],
    why: 'review queue: employer name and scope by region',
  },
};

describe('table ownership', () => {
  const all = files(SRC);
  const owners = entityOwners(all);

  it('knows the entities', () => {
    expect(owners.get('Enterprise')).toBe('enterprises');
    expect(owners.get('Welder')).toBe('welders');
    expect(owners.size).toBeGreaterThan(20);
  });

  it("no module loads, saves or queries another module's entities through the ORM", () => {
    const trespasses: string[] = [];
    for (const f of all) {
      const rel = relative(SRC, f).split(sep).join('/');
      if (ALLOWED[rel]) continue;
      const text = readFileSync(f, 'utf8');
      const named = [
        ...[...text.matchAll(ORM_CALL)].map((m) => m[1]),
        ...[...text.matchAll(FOR_FEATURE)].flatMap((m) => m[1].split(',').map((s) => s.trim())),
      ];
      for (const entity of new Set(named)) {
        const owner = owners.get(entity);
        if (owner && owner !== moduleOf(f)) trespasses.push(`${rel}: ${entity} (owned by ${owner})`);
      }
    }
    expect(trespasses).toEqual([]);
  });

  it("reads other modules' tables in SQL only in the declared read models", () => {
    const tables = tableOwners(all);
    const found: Record<string, string[]> = {};
    for (const f of all) {
      const rel = relative(SRC, f).split(sep).join('/');
      if (rel.startsWith('seed/') || rel.startsWith('database/migrations/') || /\/testing\//.test(rel)) continue;
      const text = readFileSync(f, 'utf8');
      const foreign = [...text.matchAll(SQL_TABLE)]
        .map((m) => m[1] ?? m[2])
        .filter((t) => tables.has(t) && tables.get(t) !== moduleOf(f));
      if (foreign.length) found[rel] = [...new Set(foreign)].sort();
    }
    const undeclared = Object.entries(found).flatMap(([file, ts]) =>
      ts
        .filter((t) => !SQL_READ_MODELS[file]?.tables.includes(t))
        .map((t) => `${file}: ${t} (owned by ${tables.get(t)})`),
    );
    expect(undeclared).toEqual([]);
    // and the list holds nothing stale
    const stale = Object.entries(SQL_READ_MODELS).flatMap(([file, { tables: ts }]) =>
      ts.filter((t) => !found[file]?.includes(t)).map((t) => `${file}: ${t}`),
    );
    expect(stale).toEqual([]);
  });

  it('catches a trespass (the pattern is not dead)', () => {
    expect([...'em.findOne(Welder, { where: { id } })'.matchAll(ORM_CALL)].map((m) => m[1])).toEqual(['Welder']);
    expect([...'this.ds.getRepository(Machine).find()'.matchAll(ORM_CALL)].map((m) => m[1])).toEqual(['Machine']);
  });
});
