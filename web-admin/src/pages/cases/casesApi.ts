// Types of the enforcement case endpoints (/api/cases…), generated from the server's OpenAPI document.
import { caseDecisionKindValues, caseStateValues, type components } from '../../api/schema';

type S = components['schemas'];
export type CaseView = S['CaseView'];
export type CaseState = S['CaseState'];
export type CaseDecisionKind = S['CaseDecisionKind'];
export type CaseSuspension = S['CaseSuspensionView'];

export const CASE_STATES = caseStateValues;
export const CASE_DECISION_KINDS = caseDecisionKindValues;
export const CASE_STATE_COLOUR: Record<CaseState, string> = { open: 'orange', closed: 'green' };

/** Where a case is opened from: a hazard, or an enterprise drawn for an inspection plan. */
export type CaseSource =
  | {
      kind: 'hazard';
      hazardId: string;
      enterpriseId: string;
      enterpriseName: string;
      legalBasis?: string | null;
      facts?: string;
      machineId?: string | null;
    }
  | { kind: 'inspection'; planId: string; position: number; enterpriseId: string; enterpriseName: string };

/** The decision's parts, in the order a decision is read out. */
export function decisionKinds(
  c: Pick<CaseView, 'warning' | 'fineYuan' | 'suspendedMachines' | 'productionHalt'>,
): CaseDecisionKind[] {
  const out: CaseDecisionKind[] = [];
  if (c.warning) out.push('warning');
  if (c.fineYuan !== null) out.push('fine');
  if (c.suspendedMachines.length) out.push('machine_suspension');
  if (c.productionHalt) out.push('production_halt');
  return out;
}

export const casePath = (id: string) => `/console/cases?open=${id}`;

/** An amount of yuan as the language writes numbers (20,000). */
export function money(n: number, lang: string): string {
  return n.toLocaleString(lang, { maximumFractionDigits: 2 });
}
