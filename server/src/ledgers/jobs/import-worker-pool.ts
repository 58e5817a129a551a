import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { ParseResult, ReportResult, WorkerMessage, WorkerTask } from './import-task';

/** Imports parsed at once per process: the host has few cores, and devices come first. */
export const IMPORT_CONCURRENCY = 1;
/** Imports admitted to wait behind them; one more is 503 IMPORT_BUSY with Retry-After. */
export const IMPORT_QUEUE_LIMIT = 4;
/** A worker that takes longer is stopped and its job fails: no file needs this long. */
export const IMPORT_WORKER_TIMEOUT_MS = 120_000;
const RETRY_AFTER_S = 30;
/** Caps a worker's heap: a workbook that lies about its sizes kills the worker, not the server. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 320, maxYoungGenerationSizeMb: 32 };

export type Progress = { rowsRead: number; rowsEstimate: number | null };

type ResultOf<T extends WorkerTask> = T extends { kind: 'parse' } ? ParseResult : ReportResult;

/**
 * Runs import tasks in worker threads, IMPORT_CONCURRENCY at a time, with a bounded queue.
 * admit() is synchronous so a request can be refused before anything is stored.
 */
@Injectable()
export class ImportWorkerPool implements OnModuleDestroy {
  private readonly logger = new Logger('ImportWorkerPool');
  private admitted = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly live = new Set<Worker>();

  /** Takes a place in the queue, or throws 503 IMPORT_BUSY. Pair with run() or release(). */
  admit(): void {
    if (this.admitted >= IMPORT_CONCURRENCY + IMPORT_QUEUE_LIMIT) {
      throw new DomainError(ErrorCode.IMPORT_BUSY, '导入任务繁忙，请稍后再试 (imports are busy; retry later)', [], {
        retryAfterS: RETRY_AFTER_S,
      });
    }
    this.admitted++;
  }

  /** Gives back an admitted place that will not run. */
  release(): void {
    this.admitted = Math.max(0, this.admitted - 1);
  }

  /** Runs an admitted task; resolves with its result or rejects with the DomainError it raised. */
  async run<T extends WorkerTask>(task: T, onProgress: (p: Progress) => void = () => undefined): Promise<ResultOf<T>> {
    if (this.running >= IMPORT_CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return (await this.execute(task, onProgress)) as ResultOf<T>;
    } finally {
      this.running--;
      this.admitted = Math.max(0, this.admitted - 1);
      this.waiting.shift()?.();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.live].map((w) => w.terminate()));
  }

  private spawn(task: WorkerTask): Worker {
    const options = { workerData: task, resourceLimits: RESOURCE_LIMITS, stdout: false };
    const entry = join(__dirname, `import-worker${extname(__filename)}`);
    if (entry.endsWith('.ts')) {
      // Running from TypeScript sources (tests): compile on require as the test child processes do.
      const register = join(__dirname, '..', '..', '..', 'test-support', 'ts-register.js');
      return new Worker(`require(${JSON.stringify(register)}); require(${JSON.stringify(entry)});`, {
        ...options,
        eval: true,
      });
    }
    return new Worker(entry, options);
  }

  private execute(task: WorkerTask, onProgress: (p: Progress) => void): Promise<ParseResult | ReportResult> {
    return new Promise((resolve, reject) => {
      const worker = this.spawn(task);
      this.live.add(worker);
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
        void worker.terminate().finally(() => this.live.delete(worker));
      };
      const timer = setTimeout(
        () => finish(() => reject(tooComplex('timeout', `解析超时 (over ${IMPORT_WORKER_TIMEOUT_MS / 1000} s)`))),
        IMPORT_WORKER_TIMEOUT_MS,
      );
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'progress') onProgress({ rowsRead: m.rowsRead, rowsEstimate: m.rowsEstimate });
        else if (m.kind === 'failed')
          finish(() => reject(new DomainError(m.error.code, m.error.message, m.error.fields, m.error.details)));
        else finish(() => resolve(m));
      });
      worker.on('error', (e: Error & { code?: string }) => {
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          finish(() => reject(tooComplex('outOfMemory', '工作簿过于复杂，解析所需内存超出上限')));
        } else {
          this.logger.warn(`import worker failed: ${e.stack ?? e.message}`);
          finish(() =>
            reject(
              new DomainError(
                ErrorCode.FILE_UNREADABLE,
                '文件无法读取: 不是有效的 .xlsx 工作簿 (file is not a readable .xlsx workbook)',
                [{ field: 'file', code: 'unreadable', message: 'the workbook could not be parsed' }],
              ),
            ),
          );
        }
      });
      worker.on('exit', (code) =>
        finish(() => reject(new Error(`import worker exited with code ${code} before answering`))),
      );
    });
  }
}

function tooComplex(code: string, message: string): DomainError {
  return new DomainError(ErrorCode.IMPORT_FILE_TOO_LARGE, `${message} (the workbook is too large to import)`, [
    { field: 'file', code, message },
  ]);
}
