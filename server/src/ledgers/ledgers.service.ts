import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { maskIdNumber } from '../common/validation/identifiers';
import { EnterpriseStatus } from '../enterprises/enterprise.entity';
import { ListEnterprisesQueryDto } from '../enterprises/dto/list-enterprises-query.dto';
import { EnterprisesService } from '../enterprises/enterprises.service';
import { CreateMachineDto } from '../machines/dto/create-machine.dto';
import { ListMachinesQueryDto } from '../machines/dto/list-machines-query.dto';
import { MachinesService } from '../machines/machines.service';
import { Role } from '../common/roles/role';
import { CreateWelderDto } from '../welders/dto/create-welder.dto';
import { ListWeldersQueryDto } from '../welders/dto/list-welders-query.dto';
import { WeldersService } from '../welders/welders.service';
import { ENTERPRISE_EXPORT } from './definitions/enterprise-ledger';
import { MACHINE_EXPORT, MACHINE_SHEET } from './definitions/machine-ledger';
import { WELDER_EXPORT, WELDER_SHEET } from './definitions/welder-ledger';
import { ExportedFile, ExportedStream, QueryExportService } from '../exports/query-export.service';
import { warmExportWorker } from '../common/sheets/export-stream';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ImportPlan } from './ledger-import.service';
import { ImportableLedger } from './jobs/import-task';
import { ImportJobsService, ImportJobView } from './jobs/import-jobs.service';
import { LedgerSheet, TemplateLang } from './sheet/ledger-sheet';
import { buildTemplate } from './sheet/template-builder';
import { LedgersRepository } from './ledgers.repository';

export type { ImportableLedger } from './jobs/import-task';

const SHEETS: Record<ImportableLedger, { sheet: LedgerSheet; asciiBase: string }> = {
  machines: { sheet: MACHINE_SHEET, asciiBase: 'machines' },
  welders: { sheet: WELDER_SHEET, asciiBase: 'welders' },
};

/** The ledgers an export names in its audit entry. */
type ExportedLedger = 'enterprises' | 'machines' | 'welders';

/** Ledger (台账) templates, all-or-nothing imports and scoped exports, on top of the feature services. */
@Injectable()
export class LedgersService implements OnApplicationBootstrap {
  constructor(
    private readonly importJobs: ImportJobsService,
    private readonly exporter: QueryExportService,
    private readonly ledgers: LedgersRepository,
    private readonly access: AccessPolicy,
    private readonly enterprises: EnterprisesService,
    private readonly machines: MachinesService,
    private readonly welders: WeldersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** In production the first export finds its worker ready (tests start theirs when they export). */
  onApplicationBootstrap(): void {
    if (this.config.nodeEnv === 'production')
      warmExportWorker([MACHINE_EXPORT.source, WELDER_EXPORT.source, ENTERPRISE_EXPORT.source]);
  }

  async template(ledger: ImportableLedger, lang: TemplateLang = 'zh-CN'): Promise<ExportedFile> {
    const { sheet, asciiBase } = SHEETS[ledger];
    return {
      buffer: await buildTemplate(sheet, lang),
      asciiName: `${asciiBase}-template.xlsx`,
      chineseName: `${sheet.sheetName}导入模板.xlsx`,
    };
  }

  /**
   * Queues an import job for the target enterprise (checked here, so that a wrong target is one
   * clear error now and not a failed job later). The upload is parsed in a worker thread.
   */
  async startImport(
    actor: Actor,
    ledger: ImportableLedger,
    requestedEnterpriseId: string | undefined,
    upload: Buffer,
    fileName: string,
  ): Promise<ImportJobView> {
    const enterpriseId = await this.resolveTarget(actor, requestedEnterpriseId);
    return this.importJobs.start(
      actor,
      ledger,
      enterpriseId,
      upload,
      fileName,
      this.planFor(actor, ledger, enterpriseId),
    );
  }

  getImportJob(actor: Actor, id: string): Promise<ImportJobView> {
    return this.importJobs.get(actor, id);
  }

  async importErrorReport(actor: Actor, id: string): Promise<ExportedFile> {
    const { ledger, buffer } = await this.importJobs.errorReport(actor, id);
    const { sheet, asciiBase } = SHEETS[ledger];
    return { buffer, asciiName: `${asciiBase}-import-errors.xlsx`, chineseName: `${sheet.sheetName}-错误报告.xlsx` };
  }

  private planFor(actor: Actor, ledger: ImportableLedger, enterpriseId: string): ImportPlan<object> {
    if (ledger === 'machines') {
      const plan: ImportPlan<CreateMachineDto> = {
        sheet: MACHINE_SHEET,
        dtoClass: CreateMachineDto,
        fixed: { enterpriseId },
        uniqueField: 'serialNumber',
        create: (em, dto) => this.machines.createInTransaction(em, actor, dto),
      };
      return plan as ImportPlan<object>;
    }
    const plan: ImportPlan<CreateWelderDto> = {
      sheet: WELDER_SHEET,
      dtoClass: CreateWelderDto,
      fixed: { employerId: enterpriseId },
      uniqueField: 'idNumber',
      create: (em, dto) => this.welders.createInTransaction(em, actor, dto),
    };
    return plan as ImportPlan<object>;
  }

  async exportEnterprises(actor: Actor, query: ListEnterprisesQueryDto): Promise<ExportedStream> {
    const file = await this.exporter.export(ENTERPRISE_EXPORT, await this.enterprises.exportStatement(actor, query));
    return this.auditExport(file, actor, 'enterprises', query);
  }

  async exportMachines(actor: Actor, query: ListMachinesQueryDto): Promise<ExportedStream> {
    const file = await this.exporter.export(MACHINE_EXPORT, this.machines.exportStatement(actor, query));
    return this.auditExport(file, actor, 'machines', query);
  }

  async exportWelders(actor: Actor, query: ListWeldersQueryDto): Promise<ExportedStream> {
    const file = await this.exporter.export(WELDER_EXPORT, this.welders.exportStatement(actor, query));
    return this.auditExport(file, actor, 'welders', query);
  }

  /** Who took which ledger out of the platform, with its filters and row count (QueryExportService.audited). */
  private auditExport(file: ExportedStream, actor: Actor, ledger: ExportedLedger, query: object): ExportedStream {
    const { page: _page, pageSize: _pageSize, cursor: _cursor, idNumber, ...rest } = query as Record<string, unknown>;
    // A searched ID number is personal data: the audit log keeps it masked, as every screen shows it.
    const filters = typeof idNumber === 'string' ? { ...rest, idNumberMasked: maskIdNumber(idNumber) } : rest;
    return this.exporter.audited(
      file,
      actor,
      { action: 'ledger.export', entityType: 'ledger_export', enterpriseId: actor.enterpriseId ?? null },
      (rows) => ({ ledger, rows, complete: rows !== null, filters }),
    );
  }

  /**
   * Enterprise users import into their own enterprise (naming another one looks like a missing
   * one); platform admins must name it. Checked once up front so that a wrong target is one clear
   * error, not the same error on every row.
   */
  private async resolveTarget(actor: Actor, requested: string | undefined): Promise<string> {
    let id: string | undefined;
    if (this.access.isEnterpriseUser(actor)) {
      if (requested && requested !== actor.enterpriseId) throw DomainError.notFound('Enterprise');
      id = actor.enterpriseId ?? undefined;
    } else if (actor.role === Role.PlatformAdmin || actor.role === 'system') {
      if (!requested)
        throw DomainError.invalid('enterpriseId', 'isNotEmpty', 'enterpriseId is required for a platform admin');
      id = requested;
    } else {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Ledgers are imported by their enterprise or a platform admin');
    }
    const enterprise = id ? await this.ledgers.findImportTarget(id) : null;
    if (!enterprise) throw DomainError.notFound('Enterprise');
    this.access.assertManageable(actor, enterprise, 'Enterprise');
    if (enterprise.status !== EnterpriseStatus.Active) {
      throw new DomainError(
        ErrorCode.ENTERPRISE_INACTIVE,
        `The enterprise is ${enterprise.status}; it cannot import ledgers`,
      );
    }
    return enterprise.id;
  }
}
