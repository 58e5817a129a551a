import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RowError } from '../sheet/ledger-sheet';
import { ImportableLedger } from './import-task';

export type ImportJobState = 'queued' | 'running' | 'succeeded' | 'rejected' | 'failed';

export interface JobError {
  code: string;
  message: string;
  fields?: { field: string; code: string; message: string }[];
  details?: Record<string, unknown>;
}

export interface ImportJobRow {
  id: string;
  ledger: ImportableLedger;
  enterpriseId: string;
  createdBy: string | null;
  state: ImportJobState;
  rowsRead: number;
  rowsEstimate: number | null;
  imported: number | null;
  ids: string[] | null;
  rowErrors: RowError[] | null;
  error: JobError | null;
  fileName: string | null;
  instanceId: string;
  createdAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
  /** Whether the heartbeat stopped more than a minute ago (by the database clock). */
  stale: boolean;
}

const COLUMNS = `id, ledger, enterprise_id AS "enterpriseId", created_by AS "createdBy", state, rows_read AS "rowsRead",
  rows_estimate AS "rowsEstimate", imported, ids, row_errors AS "rowErrors", error, file_name AS "fileName",
  instance_id AS "instanceId", created_at AS "createdAt", heartbeat_at AS "heartbeatAt", finished_at AS "finishedAt",
  heartbeat_at < now() - interval '60 seconds' AS stale`;
/** Finished jobs are kept this long, then removed when new ones start. */
const RETENTION = `interval '7 days'`;

/** Import jobs: operational records of an upload being processed (the records it creates are audited). */
@Injectable()
export class ImportJobsRepository {
  constructor(private readonly ds: DataSource) {}

  async createQueued(job: {
    ledger: ImportableLedger;
    enterpriseId: string;
    createdBy: string | null;
    upload: Buffer;
    fileName: string;
    instanceId: string;
  }): Promise<ImportJobRow> {
    await this.ds.query(`DELETE FROM import_jobs WHERE finished_at < now() - ${RETENTION}`);
    const [row] = await this.ds.query(
      `INSERT INTO import_jobs (ledger, enterprise_id, created_by, state, upload, file_name, instance_id)
       VALUES ($1, $2, $3, 'queued', $4, $5, $6) RETURNING ${COLUMNS}`,
      [job.ledger, job.enterpriseId, job.createdBy, job.upload, job.fileName, job.instanceId],
    );
    return row;
  }

  async findById(id: string): Promise<ImportJobRow | null> {
    const [row] = await this.ds.query(`SELECT ${COLUMNS} FROM import_jobs WHERE id = $1`, [id]);
    return row ?? null;
  }

  async findUpload(id: string): Promise<Buffer | null> {
    const [row] = await this.ds.query('SELECT upload FROM import_jobs WHERE id = $1', [id]);
    return row?.upload ?? null;
  }

  markRunning(id: string): Promise<unknown> {
    return this.ds.query(
      `UPDATE import_jobs SET state = 'running', heartbeat_at = now() WHERE id = $1 AND state = 'queued'`,
      [id],
    );
  }

  recordProgress(id: string, rowsRead: number, rowsEstimate: number | null): Promise<unknown> {
    return this.ds.query(
      `UPDATE import_jobs SET rows_read = $2, rows_estimate = $3, heartbeat_at = now() WHERE id = $1 AND state = 'running'`,
      [id, rowsRead, rowsEstimate],
    );
  }

  /** Keeps this process's unfinished jobs from being taken for abandoned ones. */
  heartbeat(instanceId: string): Promise<unknown> {
    return this.ds.query(
      `UPDATE import_jobs SET heartbeat_at = now() WHERE instance_id = $1 AND state IN ('queued', 'running')`,
      [instanceId],
    );
  }

  /** The upload is no longer needed once the rows are in. */
  finishSucceeded(id: string, rowsRead: number, ids: string[]): Promise<unknown> {
    return this.ds.query(
      `UPDATE import_jobs SET state = 'succeeded', rows_read = $2, imported = $3, ids = $4::jsonb, upload = NULL, finished_at = now() WHERE id = $1`,
      [id, rowsRead, ids.length, JSON.stringify(ids)],
    );
  }

  /** Nothing written; the upload is kept for the error report. */
  finishRejected(id: string, rowsRead: number, rowErrors: RowError[]): Promise<unknown> {
    return this.ds.query(
      `UPDATE import_jobs SET state = 'rejected', rows_read = $2, row_errors = $3::jsonb, finished_at = now() WHERE id = $1`,
      [id, rowsRead, JSON.stringify(rowErrors)],
    );
  }

  finishFailed(id: string, error: JobError): Promise<unknown> {
    return this.ds.query(
      `UPDATE import_jobs SET state = 'failed', error = $2::jsonb, upload = NULL, finished_at = now() WHERE id = $1 AND state IN ('queued', 'running')`,
      [id, JSON.stringify(error)],
    );
  }
}
