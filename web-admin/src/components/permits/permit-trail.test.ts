import { describe, expect, it } from 'vitest';
import { trailActionValues } from '../../api/schema';
import { strictT, TREES } from '../../i18n/strict-t';
import { trailLine } from './permit-trail';

describe('permit approval log', () => {
  it('says who, in which position, did what', () => {
    const zh = strictT(TREES['zh-CN']);
    expect(trailLine({ action: 'approved', actorName: '张三', position: 'safety_department' }, zh)).toBe(
      '安全管理部门 张三 批准',
    );
    expect(trailLine({ action: 'submitted', actorName: '王五', position: null }, zh)).toBe('王五 提交申请');
    expect(trailLine({ action: 'submitted', actorName: null, position: null }, zh)).toBe('已注销的账号 提交申请');
    expect(trailLine({ action: 'rejected', actorName: 'Zhang San', position: 'principal' }, strictT(TREES.en))).toBe(
      'Zhang San (Principal) rejected',
    );
  });

  it.each(Object.keys(TREES) as (keyof typeof TREES)[])('%s names every trail action', (lang) => {
    const t = strictT(TREES[lang]);
    for (const action of trailActionValues) expect(t(`records.trailAction.${action}`)).not.toMatch(/_/);
  });
});
