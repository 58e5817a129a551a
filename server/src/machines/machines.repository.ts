import { CappedCount, cappedCount, LEDGER_COUNT_CAP } from '../common/http/capped-count';
import { Inject, Injectable } from '@nestjs/common';
import { Brackets, DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { likeContains } from '../common/validation/field-helpers';
import { Enterprise } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { Machine, MachineKind, MachineStatus } from './machine.entity';
import { MachineLookup } from './machine-lookup';

export interface MachineFilter {
  /** Narrows the query to machines of enterprises the actor may see (AccessPolicy.scopeToEnterprises). */
  scope: (qb: SelectQueryBuilder<Machine>, enterpriseAlias: string) => SelectQueryBuilder<Machine>;
  enterpriseId?: string;
  status?: MachineStatus;
  kind?: MachineKind;
  text?: string;
  hasChip?: boolean;
}

export interface MachinePageFilter extends MachineFilter {
  offset: number;
  limit: number;
}

@Injectable()
export class MachinesRepository implements MachineLookup {
  constructor(
    private readonly ds: DataSource,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
  ) {}

  create(em: EntityManager, data: Partial<Machine>): Machine {
    return em.create(Machine, data);
  }

  save(em: EntityManager, m: Machine): Promise<Machine> {
    return em.save(Machine, m);
  }

  /** The machine with its owning enterprise (for access checks and the owner's name). */
  findWithEnterprise(id: string): Promise<Machine | null> {
    return this.ds.getRepository(Machine).findOne({ where: { id }, relations: { enterprise: true } });
  }

  findManyWithEnterprise(ids: string[]): Promise<Machine[]> {
    return ids.length
      ? this.ds.getRepository(Machine).find({ where: { id: In(ids) }, relations: { enterprise: true } })
      : Promise.resolve([]);
  }

  findByChipId(em: EntityManager, chipId: string): Promise<Machine | null> {
    return em.findOne(Machine, { where: { chipId } });
  }

  async setChip(em: EntityManager, machineId: string, chipId: string | null): Promise<void> {
    await em.update(Machine, { id: machineId }, { chipId });
  }

  /** Row-locked machine and its enterprise, for a change inside a transaction. */
  async findForUpdate(em: EntityManager, id: string): Promise<{ machine: Machine; enterprise: Enterprise } | null> {
    // FOR UPDATE cannot cover the outer side of a join: lock the machine, then read its owner.
    const machine = await em.findOne(Machine, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!machine) return null;
    const enterprise = await this.enterpriseLookup.findById(machine.enterpriseId, em);
    return enterprise ? { machine, enterprise } : null;
  }

  findByManufacturerSerial(em: EntityManager, manufacturer: string, serialNumber: string): Promise<Machine | null> {
    return em.findOne(Machine, { where: { manufacturer, serialNumber } });
  }

  /** The list's statement without order or page: scope and filters, machines joined to their enterprise. */
  private filtered(f: MachineFilter): SelectQueryBuilder<Machine> {
    const qb = this.ds.getRepository(Machine).createQueryBuilder('m').innerJoinAndSelect('m.enterprise', 'e');
    f.scope(qb, 'e');
    if (f.enterpriseId) qb.andWhere('m.enterprise_id = :enterpriseId', { enterpriseId: f.enterpriseId });
    if (f.status) qb.andWhere('m.status = :status', { status: f.status });
    if (f.kind) qb.andWhere('m.kind = :kind', { kind: f.kind });
    if (f.hasChip !== undefined) qb.andWhere(f.hasChip ? 'm.chip_id IS NOT NULL' : 'm.chip_id IS NULL');
    if (f.text) {
      const text = likeContains(f.text);
      qb.andWhere(
        new Brackets((w) =>
          w.where('m.name ILIKE :text', { text }).orWhere('m.serial_number ILIKE :text').orWhere('m.model ILIKE :text'),
        ),
      );
    }
    return qb;
  }

  /**
   * The ledger export's statement: the list's scope, filters and order, with the sheet's columns
   * (MachineExportRow) and the active code joined, for a server-side cursor in the export worker.
   */
  exportStatement(f: MachineFilter): [string, unknown[]] {
    return this.filtered(f)
      .select([])
      .addSelect('e.name', 'enterpriseName')
      .addSelect('m.name', 'name')
      .addSelect('m.kind', 'kind')
      .addSelect('m.manufacturer', 'manufacturer')
      .addSelect('m.model', 'model')
      .addSelect('m.serial_number', 'serialNumber')
      .addSelect('m.rated_input_kva::float8', 'ratedInputKva')
      .addSelect('m.rated_current_a', 'ratedCurrentA')
      .addSelect('m.status', 'status')
      .addSelect('m.status_reason', 'statusReason')
      .addSelect('m.chip_id', 'chipId')
      .addSelect(
        `(SELECT ic.code FROM identity_codes ic WHERE ic.subject_type = 'machine' AND ic.subject_id = m.id AND ic.status = 'active' ORDER BY ic.issued_at DESC LIMIT 1)`,
        'code',
      )
      .addSelect('m.created_at', 'createdAt')
      .orderBy('e.name', 'ASC')
      .addOrderBy('m.name', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .getQueryAndParameters();
  }

  findPage(f: MachinePageFilter): Promise<[Machine[], CappedCount]> {
    const qb = this.filtered(f);
    // Machine → enterprise is many-to-one: plain OFFSET/LIMIT and a capped count (issue 19).
    return Promise.all([
      qb
        .clone()
        .orderBy('e.name', 'ASC')
        .addOrderBy('m.name', 'ASC')
        .addOrderBy('m.id', 'ASC')
        .offset(f.offset)
        .limit(f.limit)
        .getMany(),
      cappedCount(qb, LEDGER_COUNT_CAP),
    ]);
  }
}
