import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid } from '../common/validation/uuid';
import { evaluatePermitContext, parsePermitContext, permitContextSql, PermitEvaluationContext } from './permit-context';
import { decision, PermitDecision, PermitDecisionCode as C, PermitEvaluationInput } from './permit-decision';

/**
 * Answers the authorization engine: may welder W weld with machine M at place P and time T under
 * permit X? The facts come in one statement (permit-context.ts), the checks are the pure
 * evaluatePermitContext. Anything unexpected (bad input, a database error) is a refusal, never an exception.
 */
@Injectable()
export class PermitEvaluator {
  private readonly logger = new Logger('PermitEvaluator');

  constructor(private readonly ds: DataSource) {}

  async evaluate(input: PermitEvaluationInput): Promise<PermitDecision> {
    try {
      const at = input.at;
      if (!(at instanceof Date) || Number.isNaN(at.getTime())) return decision(C.EVALUATION_ERROR);
      if (!isUuid(input.permitId)) return decision(C.PERMIT_NOT_FOUND);
      return evaluatePermitContext(input, await this.loadContext(input.permitId, input.welderId, input.machineId, at));
    } catch (err) {
      this.logger.error(`evaluate failed closed: ${err instanceof Error ? err.message : String(err)}`);
      return decision(C.EVALUATION_ERROR);
    }
  }

  /** Same checks over facts the caller already loaded (the arc authorization reads them with its own context). */
  evaluateLoaded(input: PermitEvaluationInput, ctx: PermitEvaluationContext): PermitDecision {
    try {
      return evaluatePermitContext(input, ctx);
    } catch (err) {
      this.logger.error(`evaluate failed closed: ${err instanceof Error ? err.message : String(err)}`);
      return decision(C.EVALUATION_ERROR);
    }
  }

  /** One round trip. Ids that are no UUID match nothing (so: not named), as they never could. */
  private async loadContext(
    permitId: string,
    welderId: string,
    machineId: string,
    at: Date,
  ): Promise<PermitEvaluationContext> {
    const uuidOrNull = (v: string) => (isUuid(v) ? v : null);
    const rows: { ctx: unknown }[] = await this.ds.query(
      `SELECT ${permitContextSql('$1::uuid', '$2::uuid', '$3::uuid', '$4::timestamptz')} AS ctx`,
      [permitId, uuidOrNull(welderId), uuidOrNull(machineId), at],
    );
    return parsePermitContext(rows[0].ctx);
  }
}
