import { LEDGER_COUNT_CAP } from '../common/http/capped-count';
import { MAX_EXPORT_ROWS } from './ledger-export.service';

describe('ledger list counts and the export limit', () => {
  it('count past the export limit, so that a too-large export is refused rather than cut at the count cap', () => {
    // collect() refuses when total > MAX_EXPORT_ROWS and stops once it holds `total` rows: a capped
    // total at or below the limit would end a larger export early, silently.
    expect(LEDGER_COUNT_CAP).toBeGreaterThan(MAX_EXPORT_ROWS);
  });
});
