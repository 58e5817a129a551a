import type { components } from '../../api/schema';

export type FormGuide = components['schemas']['PermitFormGuideView'];
type WelderCandidate = FormGuide['welders'][number];
type MachineCandidate = FormGuide['machines'][number];
type T = (key: string, vars?: Record<string, unknown>) => string;

export interface CandidateOption {
  value: string;
  label: string;
  disabled: boolean;
}

/** A candidate's reason in the user's language (permitBlock.<code>), or null when it may be named. */
export function blockText(block: string | null, t: T): string | null {
  return block ? t(`permitBlock.${block}`) : null;
}

/** Welders as select options: eligible ones first (the server sorts), the others disabled with their reason. */
export function welderOptions(welders: WelderCandidate[], t: T): CandidateOption[] {
  return welders.map((w) => {
    const why = blockText(w.block, t);
    return { value: w.id, label: why ? `${w.realName} · ${why}` : w.realName, disabled: why !== null };
  });
}

export function machineOptions(machines: MachineCandidate[], t: T): CandidateOption[] {
  return machines.map((m) => {
    const why = blockText(m.block, t);
    return { value: m.id, label: why ? `${m.name} · ${why}` : m.name, disabled: why !== null };
  });
}

/** 监护人: an employee with a phone on record, not one of the permit's welders (the server's rule). */
export function watcherOptions(welders: WelderCandidate[], chosenWelderIds: string[]): CandidateOption[] {
  return welders
    .filter((w) => w.employee && !!w.phoneMasked && !chosenWelderIds.includes(w.id))
    .map((w) => ({ value: w.id, label: `${w.realName} · ${w.phoneMasked}`, disabled: false }));
}

/**
 * What stops the form from submitting, in the user's language: chosen welders or machines that cannot
 * work in the window (e.g. a selection made before the window moved), and a window longer than the level allows.
 */
export function submitBlockers(
  guide: FormGuide | null,
  chosen: { welderIds: string[]; machineIds: string[] },
  t: T,
): string[] {
  if (!guide) return [];
  const out: string[] = [];
  if (!guide.windowFits)
    out.push(
      t('permitGuide.windowTooLong', {
        level: t(`permitLevel.${guide.effectiveLevel}`),
        hours: guide.maxWindowHours,
      }),
    );
  for (const id of chosen.welderIds) {
    const w = guide.welders.find((x) => x.id === id);
    const why = w ? blockText(w.block, t) : t('permitBlock.welderNotAvailable');
    if (why) out.push(`${w?.realName ?? ''} · ${why}`);
  }
  for (const id of chosen.machineIds) {
    const m = guide.machines.find((x) => x.id === id);
    const why = m ? blockText(m.block, t) : t('permitBlock.machineNotAvailable');
    if (why) out.push(`${m?.name ?? ''} · ${why}`);
  }
  return out;
}

/** The gas analysis rules of the level, as one sentence. */
export function gasRulesText(gas: FormGuide['gas'], t: T): string {
  return [
    t('permitGuide.gasMaxAge', { min: gas.maxAgeMin }),
    t('permitGuide.gasPause', { min: gas.pauseLimitMin }),
    t('permitGuide.gasPassMark', { ge4: gas.passMarkLelAtLeast4, lt4: gas.passMarkLelBelow4 }),
    ...(gas.continuousMonitoring ? [t('permitGuide.gasContinuous')] : []),
  ].join(t('permitGuide.sentenceJoin'));
}
