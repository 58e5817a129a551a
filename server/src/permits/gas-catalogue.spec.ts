import { DomainError } from '../common/errors/domain-error';
import { catalogueGasByCode, catalogueGasByName, catalogueView, GAS_CATALOGUE, judgementFor } from './gas-catalogue';
import { LelClass } from './gas-rules';
import { gasJudgementOf } from './permit-records.service';

const mark = (code: string) => judgementFor(catalogueGasByCode(code)!).passMarkPercentVol;
const fieldsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e.fields.map((x) => `${x.field}:${x.code}`);
    throw e;
  }
  return [];
};

describe('gas catalogue', () => {
  it('sets the pass mark from the LEL (GB 30871-2022: ≤0.5 % vol where LEL ≥ 4 %, ≤0.2 % where < 4 %)', () => {
    const table: [string, number, number][] = [
      ['acetylene', 2.5, 0.2],
      ['hydrogen', 4.0, 0.5],
      ['methane', 5.0, 0.5],
      ['natural_gas', 5.0, 0.5],
      ['propane', 2.1, 0.2],
      ['ethylene', 2.7, 0.2],
      ['propylene', 2.0, 0.2],
      ['butane', 1.8, 0.2],
      ['lpg', 1.5, 0.2],
      ['gasoline', 1.4, 0.2],
      ['benzene', 1.2, 0.2],
      ['toluene', 1.1, 0.2],
      ['hydrogen_sulfide', 4.0, 0.5],
      ['ammonia', 15, 0.5],
      ['carbon_monoxide', 12.5, 0.5],
      ['coal_gas', 4.5, 0.5],
      ['ethanol', 3.3, 0.2],
      ['methanol', 6.0, 0.5],
      ['vinyl_chloride', 3.6, 0.2],
    ];
    for (const [code, lel, passMark] of table) {
      expect([code, catalogueGasByCode(code)?.lelPercent, mark(code)]).toEqual([code, lel, passMark]);
    }
  });

  it('names every gas once, in Chinese and English, with a plausible LEL', () => {
    // No name may mean two gases (code and English name may coincide within one gas).
    const owners = new Map<string, Set<string>>();
    for (const g of GAS_CATALOGUE)
      for (const n of [g.code, g.zh, g.en, ...g.aliases]) {
        const k = n.normalize('NFKC').trim().toLowerCase();
        owners.set(k, (owners.get(k) ?? new Set()).add(g.code));
      }
    expect([...owners.entries()].filter(([, codes]) => codes.size > 1)).toEqual([]);
    expect(new Set(GAS_CATALOGUE.map((g) => g.code)).size).toBe(GAS_CATALOGUE.length);
    for (const g of GAS_CATALOGUE) {
      expect(g.code).toMatch(/^[a-z0-9_]{2,40}$/);
      expect(g.zh.length).toBeLessThanOrEqual(50);
      expect(g.lelPercent).toBeGreaterThan(0.1);
      expect(g.lelPercent).toBeLessThan(100);
    }
  });

  it('recognises a typed name or alias, and nothing else', () => {
    expect(catalogueGasByName(' 乙炔 ')?.code).toBe('acetylene');
    expect(catalogueGasByName('Methane')?.code).toBe('methane');
    expect(catalogueGasByName('CH4')?.code).toBe('methane');
    expect(catalogueGasByName('天然气（甲烷）')?.code).toBe('natural_gas');
    expect(catalogueGasByName('液化气')?.code).toBe('lpg');
    expect(catalogueGasByName('乙炔气')).toBeUndefined();
    expect(catalogueGasByName('某种溶剂')).toBeUndefined();
  });

  it('judges a gas outside the catalogue at the stricter 0.2 %', () => {
    expect(judgementFor(null)).toEqual({ gas: null, lelClass: LelClass.Below4, passMarkPercentVol: 0.2 });
    expect(catalogueView().freeText).toEqual({ lelClass: 'lt4', passMarkPercentVol: 0.2 });
    expect(catalogueView().items.find((i) => i.code === 'acetylene')).toMatchObject({
      zh: '乙炔',
      en: 'Acetylene',
      lelPercent: 2.5,
      lelClass: 'lt4',
      passMarkPercentVol: 0.2,
    });
  });
});

describe('gasJudgementOf (what a submitted analysis is judged by)', () => {
  it('uses the gas, never the class the client picks', () => {
    expect(gasJudgementOf({ gasCode: 'acetylene' }).passMarkPercentVol).toBe(0.2);
    expect(gasJudgementOf({ gas: '甲烷', lelClass: LelClass.AtLeast4 }).passMarkPercentVol).toBe(0.5);
    expect(gasJudgementOf({ gas: '甲烷', lelPercent: 5 }).gas?.code).toBe('methane');
    expect(gasJudgementOf({ gas: '焊接烟气' })).toMatchObject({ gas: null, passMarkPercentVol: 0.2 });
    expect(gasJudgementOf({ gas: '焊接烟气', lelClass: LelClass.Below4 }).passMarkPercentVol).toBe(0.2);
  });

  it('refuses a class or LEL that contradicts the gas, and a lenient one for a gas it does not know', () => {
    expect(fieldsOf(() => gasJudgementOf({ gasCode: 'acetylene', lelClass: LelClass.AtLeast4 }))).toEqual([
      'lelClass:contradictsGas',
    ]);
    expect(fieldsOf(() => gasJudgementOf({ gas: '乙炔', lelClass: LelClass.AtLeast4, lelPercent: 5 }))).toEqual([
      'lelClass:contradictsGas',
      'lelPercent:contradictsGas',
    ]);
    expect(fieldsOf(() => gasJudgementOf({ gas: '氢气', lelClass: LelClass.Below4 }))).toEqual([
      'lelClass:contradictsGas',
    ]);
    expect(fieldsOf(() => gasJudgementOf({ gas: '某种溶剂', lelClass: LelClass.AtLeast4 }))).toEqual([
      'lelClass:freeTextGasStrict',
    ]);
    expect(fieldsOf(() => gasJudgementOf({ gas: '某种溶剂', lelPercent: 6 }))).toEqual([
      'lelPercent:freeTextGasStrict',
    ]);
    expect(fieldsOf(() => gasJudgementOf({ gasCode: 'methane', gas: '乙炔' }))).toEqual(['gas:contradictsGasCode']);
    expect(fieldsOf(() => gasJudgementOf({ gas: '   ' }))).toEqual(['gas:isNotEmpty']);
  });
});
