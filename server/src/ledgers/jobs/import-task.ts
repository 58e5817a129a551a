import { ClassConstructor } from 'class-transformer';
import { CreateMachineDto } from '../../machines/dto/create-machine.dto';
import { CreateWelderDto } from '../../welders/dto/create-welder.dto';
import { MACHINE_SHEET } from '../definitions/machine-ledger';
import { WELDER_SHEET } from '../definitions/welder-ledger';
import { LedgerSheet, RowError } from '../sheet/ledger-sheet';

export type ImportableLedger = 'machines' | 'welders';
export const IMPORTABLE_LEDGERS: readonly ImportableLedger[] = ['machines', 'welders'];

/** What a worker needs to know about a ledger: its sheet and the DTO each row must satisfy. */
export const LEDGER_DEFINITIONS: Record<
  ImportableLedger,
  { sheet: LedgerSheet; dtoClass: ClassConstructor<object>; asciiBase: string }
> = {
  machines: { sheet: MACHINE_SHEET, dtoClass: CreateMachineDto, asciiBase: 'machines' },
  welders: { sheet: WELDER_SHEET, dtoClass: CreateWelderDto, asciiBase: 'welders' },
};

/** Parse and validate an upload: everything CPU-heavy of an import, none of the database work. */
export interface ParseTask {
  kind: 'parse';
  ledger: ImportableLedger;
  upload: Uint8Array;
  /** Values every row shares (the target enterprise), validated with each row. */
  fixed: Record<string, unknown>;
}

/** Build the error report (the upload plus a 错误 column, formulas neutralised). */
export interface ReportTask {
  kind: 'report';
  ledger: ImportableLedger;
  upload: Uint8Array;
  errors: RowError[];
}

export type WorkerTask = ParseTask | ReportTask;

/** A row that passed every check; `input` is what plainToInstance(dtoClass, …) turns into the DTO. */
export interface ValidInput {
  row: number;
  input: Record<string, unknown>;
}

export interface ParseResult {
  kind: 'parsed';
  headerErrors: RowError[];
  /** Filled data rows read. */
  rowCount: number;
  valid: ValidInput[];
  errors: RowError[];
}

export interface ReportResult {
  kind: 'report';
  buffer: Uint8Array;
}

/** A DomainError thrown in the worker, carried across as data. */
export interface WorkerFailure {
  kind: 'failed';
  error: {
    code: string;
    message: string;
    fields: { field: string; code: string; message: string }[];
    details?: Record<string, unknown>;
  };
}

export type WorkerMessage =
  { kind: 'progress'; rowsRead: number; rowsEstimate: number | null } | ParseResult | ReportResult | WorkerFailure;
