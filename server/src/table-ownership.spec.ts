import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/*
 * Each module owns its tables: only its own files load, save or query its entities through the ORM.
 * Another module asks through the owner's port (enterprise-lookup.ts, welder-roster.ts, …). Read models
 * that join several tables in SQL on purpose (the arm decision's hot path, stats, audit) are covered by
 * hot-path-columns.integration-spec.ts and their own integration specs; this test is about the ORM calls
 * a compiler would happily accept.
 */
const SRC = __dirname;

/** Files allowed to touch another module's entities, and why. */
const ALLOWED: Record<string, string> = {
  'seed/demo-seeder.ts': 'the demo loader writes every module’s tables in one transaction, as a fixture does',
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

  it('catches a trespass (the pattern is not dead)', () => {
    expect([...'em.findOne(Welder, { where: { id } })'.matchAll(ORM_CALL)].map((m) => m[1])).toEqual(['Welder']);
    expect([...'this.ds.getRepository(Machine).find()'.matchAll(ORM_CALL)].map((m) => m[1])).toEqual(['Machine']);
  });
});
