import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Actor } from '../../access/actor';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { Role } from '../../common/roles/role';
import { PeriodicWorker } from '../../common/scheduling/periodic-worker';
import { ImportPlan, LedgerImportService } from '../ledger-import.service';
import { assertZipWithinLimits } from '../sheet/zip-limits';
import { ImportableLedger } from './import-task';
import { ImportWorkerPool, Progress } from './import-worker-pool';
import { ImportJobRow, ImportJobsRepository, JobError } from './import-jobs.repository';

/** What GET /api/ledgers/import-jobs/:id answers. */
export interface ImportJobView {
  id: string;
  ledger: ImportableLedger;
  state: ImportJobRow['state'];
  fileName: string | null;
  progress: { rowsRead: number; rowsEstimate: number | null };
  result: { imported: number; ids: string[] } | null;
  /** Rejected jobs: every row error ({ row, column, field, code, message }); nothing was written. */
  errors: ImportJobRow['rowErrors'];
  /** Failed jobs: why the file could not be imported at all (e.g. IMPORT_TOO_MANY_ROWS). */
  error: JobError | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const HEARTBEAT_MS = 15_000;
const PROGRESS_WRITE_MS = 1_000;

/** Sanitised for storage and display: no control characters, bounded length. */
function safeFileName(name: string | undefined): string {
  return (name ?? '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[\ud800-\udfff]/g, '')
    .slice(0, 200);
}

/**
 * Ledger imports as jobs: the request is answered at once (202 with the job), the workbook is parsed
 * and validated in a worker thread, then the rows are written all-or-nothing on the main thread
 * (async database work only). Jobs of a process that died are reported as IMPORT_INTERRUPTED.
 */
@Injectable()
export class ImportJobsService implements OnModuleDestroy {
  private readonly logger = new Logger('ImportJobs');
  private readonly instanceId = randomUUID();
  private readonly live = new Map<string, Progress & { writtenAt: number }>();
  private readonly running = new Set<Promise<void>>();
  /** Keeps this process's running jobs from looking stale to the other replicas. */
  private readonly heartbeat = new PeriodicWorker({
    what: 'import heartbeat',
    everyMs: HEARTBEAT_MS,
    logger: this.logger,
    failureLevel: 'warn',
    run: async () => {
      if (this.live.size) await this.jobs.heartbeat(this.instanceId);
    },
  });

  constructor(
    private readonly jobs: ImportJobsRepository,
    private readonly pool: ImportWorkerPool,
    private readonly importer: LedgerImportService,
  ) {
    this.heartbeat.start();
  }

  /**
   * Checks what is cheap to check (zip directory: sizes, ratio, entry count) and queues the job;
   * a zip bomb or a full queue is refused before anything is stored.
   */
  async start<T extends object>(
    actor: Actor,
    ledger: ImportableLedger,
    enterpriseId: string,
    upload: Buffer,
    fileName: string,
    plan: ImportPlan<T>,
  ): Promise<ImportJobView> {
    assertZipWithinLimits(upload);
    this.pool.admit();
    let job: ImportJobRow;
    try {
      job = await this.jobs.createQueued({
        ledger,
        enterpriseId,
        createdBy: actor.userId,
        upload,
        fileName: safeFileName(fileName),
        instanceId: this.instanceId,
      });
    } catch (e) {
      this.pool.release();
      throw e;
    }
    this.live.set(job.id, { rowsRead: 0, rowsEstimate: null, writtenAt: 0 });
    const run = this.process(job.id, ledger, upload, plan)
      .catch((e: Error) => this.logger.error(`import job ${job.id} could not be finished: ${e.stack ?? e.message}`))
      .finally(() => {
        this.live.delete(job.id);
        this.running.delete(run);
      });
    this.running.add(run);
    return this.view(job);
  }

  async get(actor: Actor, id: string): Promise<ImportJobView> {
    return this.view(await this.visibleJob(actor, id));
  }

  /** The upload of a rejected job with a 错误 column, built in a worker (formulas neutralised). */
  async errorReport(actor: Actor, id: string): Promise<{ ledger: ImportableLedger; buffer: Buffer }> {
    const job = await this.visibleJob(actor, id);
    const upload = job.state === 'rejected' ? await this.jobs.findUpload(id) : null;
    if (!upload)
      throw new DomainError(
        ErrorCode.INVALID_STATE,
        `只有被拒绝的导入才有错误报告 (the job is ${job.state}; only a rejected import has an error report)`,
      );
    this.pool.admit();
    const report = await this.pool.run({
      kind: 'report',
      ledger: job.ledger,
      upload: new Uint8Array(upload),
      errors: job.rowErrors ?? [],
    });
    return { ledger: job.ledger, buffer: Buffer.from(report.buffer) };
  }

  /** Waits for the jobs of this process (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.heartbeat.stop();
    await this.settle();
  }

  private async process<T extends object>(
    id: string,
    ledger: ImportableLedger,
    upload: Buffer,
    plan: ImportPlan<T>,
  ): Promise<void> {
    let rowsRead = 0;
    try {
      const parsed = await this.pool.run(
        { kind: 'parse', ledger, upload: new Uint8Array(upload), fixed: plan.fixed },
        (p) => this.onProgress(id, p),
      );
      rowsRead = parsed.rowCount;
      if (parsed.headerErrors.length) {
        await this.jobs.finishRejected(id, rowsRead, parsed.headerErrors);
      } else if (!parsed.rowCount) {
        await this.jobs.finishFailed(id, {
          code: ErrorCode.IMPORT_EMPTY,
          message: '文件中没有数据行 (the sheet has no data rows)',
        });
      } else {
        const outcome = await this.importer.write(plan, parsed.valid, parsed.errors);
        if (outcome.ok) await this.jobs.finishSucceeded(id, rowsRead, outcome.ids);
        else await this.jobs.finishRejected(id, rowsRead, outcome.errors);
      }
    } catch (e) {
      if (e instanceof DomainError) {
        await this.jobs.finishFailed(id, { code: e.code, message: e.message, fields: e.fields, details: e.details });
      } else {
        // Fail closed: nothing was committed (the transaction rolled back); the job says so.
        this.logger.error(`import job ${id} failed: ${e instanceof Error ? e.stack : String(e)}`);
        await this.jobs
          .finishFailed(id, {
            code: ErrorCode.INTERNAL,
            message: '导入失败，未写入任何数据 (import failed, nothing written)',
          })
          .catch(() => undefined);
      }
    }
  }

  private onProgress(id: string, p: Progress): void {
    const entry = this.live.get(id);
    if (!entry) return;
    const first = entry.writtenAt === 0;
    Object.assign(entry, p);
    const now = Date.now();
    if (!first && now - entry.writtenAt < PROGRESS_WRITE_MS) return;
    entry.writtenAt = now;
    const write = first
      ? this.jobs.markRunning(id).then(() => this.jobs.recordProgress(id, p.rowsRead, p.rowsEstimate))
      : this.jobs.recordProgress(id, p.rowsRead, p.rowsEstimate);
    write.catch((e: Error) => this.logger.warn(`import progress not stored: ${e.message}`));
  }

  /** Only its creator (or a platform admin) sees a job; anyone else gets 404, as for a missing one. */
  private async visibleJob(actor: Actor, id: string): Promise<ImportJobRow> {
    let job = await this.jobs.findById(id);
    if (!job || (job.createdBy !== actor.userId && actor.role !== Role.PlatformAdmin))
      throw DomainError.notFound('Import job');
    if ((job.state === 'queued' || job.state === 'running') && job.stale && job.instanceId !== this.instanceId) {
      await this.jobs.finishFailed(id, {
        code: ErrorCode.IMPORT_INTERRUPTED,
        message:
          '服务器重启，导入已中断，未写入任何数据，请重新上传 (interrupted by a server restart; nothing written)',
      });
      job = (await this.jobs.findById(id))!;
    }
    return job;
  }

  private view(job: ImportJobRow): ImportJobView {
    const live = this.live.get(job.id);
    const progress =
      live && (job.state === 'queued' || job.state === 'running')
        ? { rowsRead: live.rowsRead, rowsEstimate: live.rowsEstimate }
        : { rowsRead: job.rowsRead, rowsEstimate: job.rowsEstimate };
    return {
      id: job.id,
      ledger: job.ledger,
      state: job.state,
      fileName: job.fileName,
      progress,
      result: job.state === 'succeeded' ? { imported: job.imported ?? 0, ids: job.ids ?? [] } : null,
      errors: job.state === 'rejected' ? (job.rowErrors ?? []) : null,
      error: job.error,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
    };
  }
}
