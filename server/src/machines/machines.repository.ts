import { CappedCount, cappedCount, LEDGER_COUNT_CAP } from '../common/http/capped-count';
import { Inject, Injectable } from '@nestjs/common';
import { Brackets, DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { likeContains } from '../common/validation/field-helpers';
import { Enterprise } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { Machine, MachineKind, MachineStatus } from './machine.entity';
import { MachineLookup } from './machine-lookup';

export interface MachinePageFilter {
  /** Narrows the query to machines of enterprises the actor may see (AccessPolicy.scopeToEnterprises). */
  scope: (qb: SelectQueryBuilder<Machine>, enterpriseAlias: string) => SelectQueryBuilder<Machine>;
  enterpriseId?: string;
  status?: MachineStatus;
  kind?: MachineKind;
  text?: string;
  hasChip?: boolean;
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

  findPage(f: MachinePageFilter): Promise<[Machine[], CappedCount]> {
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
