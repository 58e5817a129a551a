import { ApiProperty } from '@nestjs/swagger';
import { LelClass, lelClassOf, PASS_MARK_PERCENT_VOL } from './gas-rules';

/**
 * Combustible gases and vapours common at Chinese hot-work sites, with their lower explosive limit
 * (LEL, % vol in air). The LEL decides the pass mark of a gas analysis (GB 30871-2022: ≤ 0.5 % vol
 * where the LEL ≥ 4 %, ≤ 0.2 % vol where it is < 4 %), so the analyst picks the gas and the server
 * derives the class: a user can no longer pick the lenient class for acetylene.
 *
 * Sources: the ArcGate domain brief (docs: DOMAIN "LEL of common gases": acetylene, hydrogen,
 * methane, propane, ethylene, carbon monoxide, gasoline vapour) and, for the others, the LEL column
 * of the NIOSH Pocket Guide to Chemical Hazards. Mixtures (LPG, natural gas, coal gas, gasoline,
 * kerosene) vary with composition: each is given the value of its usual composition and, where that
 * is close to 4 %, the class of its most hazardous usual component. Only the class matters for the
 * pass mark; the value is shown for the analyst.
 */
export interface CatalogueGas {
  code: string;
  zh: string;
  en: string;
  lelPercent: number;
  /** Other names an analyst may type (matched case-insensitively, after trimming). */
  aliases: readonly string[];
}

export const GAS_CATALOGUE: readonly CatalogueGas[] = [
  { code: 'acetylene', zh: '乙炔', en: 'Acetylene', lelPercent: 2.5, aliases: ['电石气', 'C2H2'] },
  { code: 'hydrogen', zh: '氢气', en: 'Hydrogen', lelPercent: 4.0, aliases: ['氢', 'H2'] },
  { code: 'methane', zh: '甲烷', en: 'Methane', lelPercent: 5.0, aliases: ['CH4', '沼气'] },
  {
    code: 'natural_gas',
    zh: '天然气',
    en: 'Natural gas',
    lelPercent: 5.0,
    aliases: ['天然气(甲烷)', 'NG', 'CNG', 'LNG'],
  },
  { code: 'ethane', zh: '乙烷', en: 'Ethane', lelPercent: 3.0, aliases: ['C2H6'] },
  { code: 'propane', zh: '丙烷', en: 'Propane', lelPercent: 2.1, aliases: ['C3H8'] },
  { code: 'butane', zh: '丁烷', en: 'Butane', lelPercent: 1.8, aliases: ['正丁烷', 'n-butane', 'C4H10'] },
  { code: 'pentane', zh: '戊烷', en: 'Pentane', lelPercent: 1.5, aliases: ['正戊烷', 'n-pentane'] },
  { code: 'hexane', zh: '己烷', en: 'Hexane', lelPercent: 1.1, aliases: ['正己烷', 'n-hexane'] },
  // LPG: a propane/butane mixture, LEL about 1.5-2 % whatever the blend: always the < 4 % class.
  { code: 'lpg', zh: '液化石油气', en: 'Liquefied petroleum gas (LPG)', lelPercent: 1.5, aliases: ['LPG', '液化气'] },
  { code: 'ethylene', zh: '乙烯', en: 'Ethylene', lelPercent: 2.7, aliases: ['C2H4'] },
  { code: 'propylene', zh: '丙烯', en: 'Propylene', lelPercent: 2.0, aliases: ['C3H6'] },
  { code: 'butadiene', zh: '1,3-丁二烯', en: '1,3-Butadiene', lelPercent: 2.0, aliases: ['丁二烯'] },
  { code: 'carbon_monoxide', zh: '一氧化碳', en: 'Carbon monoxide', lelPercent: 12.5, aliases: ['CO'] },
  // Coke-oven / town gas: about half hydrogen with methane and CO; its LEL (≈ 4.5 %) stays above 4 %.
  {
    code: 'coal_gas',
    zh: '煤气',
    en: 'Coal gas (town / coke-oven gas)',
    lelPercent: 4.5,
    aliases: ['焦炉煤气', '城市煤气'],
  },
  { code: 'hydrogen_sulfide', zh: '硫化氢', en: 'Hydrogen sulfide', lelPercent: 4.0, aliases: ['H2S'] },
  { code: 'ammonia', zh: '氨', en: 'Ammonia', lelPercent: 15.0, aliases: ['氨气', 'NH3'] },
  { code: 'gasoline', zh: '汽油蒸气', en: 'Gasoline vapour', lelPercent: 1.4, aliases: ['汽油', 'gasoline', 'petrol'] },
  { code: 'kerosene', zh: '煤油蒸气', en: 'Kerosene vapour', lelPercent: 0.7, aliases: ['煤油', 'kerosene'] },
  { code: 'benzene', zh: '苯', en: 'Benzene', lelPercent: 1.2, aliases: ['C6H6'] },
  { code: 'toluene', zh: '甲苯', en: 'Toluene', lelPercent: 1.1, aliases: [] },
  { code: 'xylene', zh: '二甲苯', en: 'Xylene', lelPercent: 0.9, aliases: [] },
  { code: 'methanol', zh: '甲醇', en: 'Methanol', lelPercent: 6.0, aliases: ['CH3OH'] },
  { code: 'ethanol', zh: '乙醇', en: 'Ethanol', lelPercent: 3.3, aliases: ['酒精'] },
  { code: 'acetone', zh: '丙酮', en: 'Acetone', lelPercent: 2.5, aliases: [] },
  { code: 'ethyl_acetate', zh: '乙酸乙酯', en: 'Ethyl acetate', lelPercent: 2.0, aliases: [] },
  { code: 'diethyl_ether', zh: '乙醚', en: 'Diethyl ether', lelPercent: 1.9, aliases: [] },
  { code: 'carbon_disulfide', zh: '二硫化碳', en: 'Carbon disulfide', lelPercent: 1.3, aliases: ['CS2'] },
  { code: 'vinyl_chloride', zh: '氯乙烯', en: 'Vinyl chloride', lelPercent: 3.6, aliases: [] },
  { code: 'ethylene_oxide', zh: '环氧乙烷', en: 'Ethylene oxide', lelPercent: 3.0, aliases: [] },
];

/** A gas typed in that is not in the catalogue is judged as if its LEL were below 4 %: the stricter mark. */
export const FREE_TEXT_LEL_CLASS = LelClass.Below4;

const norm = (s: string) => s.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
const BY_CODE = new Map(GAS_CATALOGUE.map((g) => [g.code, g]));
const BY_NAME = new Map(
  GAS_CATALOGUE.flatMap((g) => [g.zh, g.en, g.code, ...g.aliases].map((n) => [norm(n), g] as const)),
);

export function catalogueGasByCode(code: string): CatalogueGas | undefined {
  return BY_CODE.get(code);
}

/** The catalogue gas a typed name means, if any ("甲烷", "methane", "CH4" all mean methane). */
export function catalogueGasByName(name: string): CatalogueGas | undefined {
  return BY_NAME.get(norm(name));
}

export interface GasJudgement {
  /** Null for a gas typed in that the catalogue does not know. */
  gas: CatalogueGas | null;
  lelClass: LelClass;
  passMarkPercentVol: number;
}

/** How an analysis of this gas is judged: by the catalogue gas's LEL, or at 0.2 % when the gas is not in the catalogue. */
export function judgementFor(gas: CatalogueGas | null): GasJudgement {
  const lelClass = gas ? lelClassOf(gas.lelPercent) : FREE_TEXT_LEL_CLASS;
  return { gas, lelClass, passMarkPercentVol: PASS_MARK_PERCENT_VOL[lelClass] };
}

/** The pass mark a gas's LEL class sets. */
export class GasJudgementView {
  @ApiProperty({ enum: LelClass, enumName: 'LelClass' }) lelClass!: LelClass;
  @ApiProperty() passMarkPercentVol!: number;
}

export class GasCatalogueItemView extends GasJudgementView {
  @ApiProperty() code!: string;
  @ApiProperty() zh!: string;
  @ApiProperty() en!: string;
  @ApiProperty() lelPercent!: number;
  @ApiProperty({ type: [String] }) aliases!: readonly string[];
}

/** GET /api/gas-catalogue: a gas not listed is judged at freeText. */
export class GasCatalogueView {
  @ApiProperty({ type: () => [GasCatalogueItemView] }) items!: GasCatalogueItemView[];
  @ApiProperty({ type: () => GasJudgementView }) freeText!: GasJudgementView;
}

/** The catalogue as the API serves it. */
export function catalogueView(): GasCatalogueView {
  return {
    items: GAS_CATALOGUE.map((g) => ({
      code: g.code,
      zh: g.zh,
      en: g.en,
      lelPercent: g.lelPercent,
      aliases: g.aliases,
      ...pick(judgementFor(g)),
    })),
    freeText: pick(judgementFor(null)),
  };
}

const pick = (j: GasJudgement) => ({ lelClass: j.lelClass, passMarkPercentVol: j.passMarkPercentVol });
