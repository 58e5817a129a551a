import { trailActionValues } from '../../api/schema';
import type { PermitDetail } from '../../api/types';

export type TrailEntry = PermitDetail['trail'][number];
type T = (key: string, vars?: Record<string, unknown>) => string;

/** "安全管理部门 张三 批准" / "Zhang San (Safety department) approved": who, in which role, did what. */
export function trailLine(e: Pick<TrailEntry, 'action' | 'actorName' | 'position'>, t: T): string {
  const name = e.actorName ?? t('records.trail.unknownActor');
  const who = e.position ? t('records.trail.who', { name, position: t(`position.${e.position}`) }) : name;
  const action = (trailActionValues as readonly string[]).includes(e.action)
    ? t(`records.trailAction.${e.action}`)
    : t('records.value.unknown');
  return t('records.trail.line', { who, action });
}
