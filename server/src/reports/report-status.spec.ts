import { ReportStatus as S } from './report.entity';
import { allowedNext, canTransition, noteRequired } from './report-status';

describe('report status rules', () => {
  it('allow exactly the closed loop', () => {
    const allowed: [S, S][] = [];
    for (const from of Object.values(S))
      for (const to of Object.values(S)) if (canTransition(from, to)) allowed.push([from, to]);
    expect(allowed).toEqual([
      [S.Received, S.Verifying],
      [S.Received, S.Rejected],
      [S.Verifying, S.Verified],
      [S.Verifying, S.Rejected],
      [S.Verified, S.Closed],
      [S.Rejected, S.Closed],
    ]);
    expect(allowedNext(S.Closed)).toEqual([]);
  });

  it('require a note for findings, rejections and close-out', () => {
    expect(Object.values(S).filter(noteRequired)).toEqual([S.Verified, S.Rejected, S.Closed]);
  });
});
