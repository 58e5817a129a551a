import { Injectable } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { columnForField, LedgerSheet, RowError } from './sheet/ledger-sheet';
import { ValidInput } from './jobs/import-task';

/** How one ledger's rows become records. */
export interface ImportPlan<T extends object> {
  sheet: LedgerSheet;
  dtoClass: ClassConstructor<T>;
  /** Values every row shares, e.g. the target enterprise (validated with each row in the worker). */
  fixed: Record<string, unknown>;
  /** Creates one record inside the import's transaction (audit and code included). */
  create: (em: EntityManager, dto: T) => Promise<{ id: string }>;
  /** The field a database unique violation is reported on (e.g. serialNumber). */
  uniqueField: string;
}

export type ImportOutcome = { ok: true; imported: number; ids: string[] } | { ok: false; errors: RowError[] };

class RejectImport extends Error {
  constructor(readonly errors: RowError[]) {
    super('import rejected');
  }
}

const PG_UNIQUE_VIOLATION = '23505';

/**
 * All-or-nothing imports. Rows arrive parsed and validated by a worker thread; every valid row is
 * then created inside ONE transaction, each behind a savepoint so that one failing row does not
 * hide the problems of the next. Any problem at all (from the worker or the database) rolls the
 * whole transaction back and reports every row's errors.
 */
@Injectable()
export class LedgerImportService {
  constructor(private readonly ds: DataSource) {}

  async write<T extends object>(
    plan: ImportPlan<T>,
    valid: ValidInput[],
    rowErrors: RowError[],
  ): Promise<ImportOutcome> {
    const errors = [...rowErrors];
    try {
      const ids = await this.ds.transaction(async (em) => {
        const created: string[] = [];
        for (const { row, input } of valid) {
          // Same input and rules as the worker validated: plainToInstance only rebuilds the class.
          const dto = plainToInstance(plan.dtoClass, input);
          await em.query('SAVEPOINT ledger_row');
          try {
            created.push((await plan.create(em, dto)).id);
            await em.query('RELEASE SAVEPOINT ledger_row');
          } catch (e) {
            await em.query('ROLLBACK TO SAVEPOINT ledger_row');
            errors.push(...this.rowErrorsOf(plan, row, e));
          }
        }
        if (errors.length) throw new RejectImport(errors.sort((a, b) => a.row - b.row));
        return created;
      });
      return { ok: true, imported: ids.length, ids };
    } catch (e) {
      if (e instanceof RejectImport) return { ok: false, errors: e.errors };
      throw e;
    }
  }

  /** Expected failures become row errors; anything else is a real fault and aborts (fail closed). */
  private rowErrorsOf<T extends object>(plan: ImportPlan<T>, row: number, e: unknown): RowError[] {
    if (e instanceof DomainError) {
      if (!e.fields.length) return [{ row, column: null, field: null, code: e.code, message: e.message }];
      return e.fields.map((f) => {
        const column = columnForField(plan.sheet, f.field);
        return {
          row,
          column: column?.header ?? null,
          field: f.field,
          code: f.code,
          message: column ? `${column.header}: ${f.message}` : f.message,
        };
      });
    }
    const pgCode =
      e instanceof QueryFailedError
        ? (e as unknown as { driverError?: { code?: string } }).driverError?.code
        : undefined;
    if (pgCode === PG_UNIQUE_VIOLATION) {
      const column = columnForField(plan.sheet, plan.uniqueField);
      return [
        {
          row,
          column: column?.header ?? null,
          field: plan.uniqueField,
          code: 'duplicate',
          message: `${column?.header ?? plan.uniqueField}: 已有相同的登记记录`,
        },
      ];
    }
    throw e;
  }
}
