import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated, PaginationQueryDto } from '../common/http/pagination';
import { EnterpriseStatus } from '../enterprises/enterprise.entity';
import { CreateMachineLoanDto, RevokeMachineLoanDto } from './dto/create-machine-loan.dto';
import { MachineLoan } from './machine-loan.entity';
import { MachineLoansRepository } from './machine-loans.repository';

export type MachineLoanView = Omit<MachineLoan, 'createdBy'>;

const view = (l: MachineLoan): MachineLoanView => ({
  id: l.id,
  machineId: l.machineId,
  lenderEnterpriseId: l.lenderEnterpriseId,
  borrowerEnterpriseId: l.borrowerEnterpriseId,
  startsAt: l.startsAt,
  endsAt: l.endsAt,
  note: l.note,
  revokedAt: l.revokedAt,
  revokedReason: l.revokedReason,
  createdAt: l.createdAt,
});

/** 借用: the owning enterprise records that it lends a machine to another for a period. */
@Injectable()
export class MachineLoansService {
  constructor(
    private readonly repo: MachineLoansRepository,
    private readonly access: AccessPolicy,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async create(actor: Actor, dto: CreateMachineLoanDto): Promise<MachineLoanView> {
    const startsAt = new Date(dto.startsAt),
      endsAt = new Date(dto.endsAt);
    if (endsAt.getTime() <= startsAt.getTime())
      throw DomainError.invalid('endsAt', 'afterStart', 'endsAt must be after startsAt');
    return this.ds.transaction(async (em) => {
      const machine = await this.repo.findMachine(em, dto.machineId);
      const lender = machine ? await this.repo.findEnterprise(em, machine.enterpriseId) : null;
      if (!machine || !lender || !this.access.canReadEnterprise(actor, lender)) throw DomainError.notFound('Machine');
      this.access.assertManageable(actor, lender, 'Machine');
      const borrower = await this.repo.findEnterprise(em, dto.borrowerEnterpriseId);
      if (!borrower) throw DomainError.invalid('borrowerEnterpriseId', 'notFound', 'No such enterprise');
      if (borrower.id === lender.id)
        throw DomainError.invalid('borrowerEnterpriseId', 'sameAsLender', 'A machine cannot be lent to its owner');
      if (borrower.status !== EnterpriseStatus.Active)
        throw new DomainError(ErrorCode.ENTERPRISE_INACTIVE, `The borrowing enterprise is ${borrower.status}`);
      await this.repo.lockLoansOf(em, machine.id);
      if (await this.repo.findOverlappingLoan(em, machine.id, startsAt, endsAt)) {
        throw new DomainError(ErrorCode.CONFLICT, 'The machine is already lent for part of this period', [
          { field: 'startsAt', code: 'overlapsLoan', message: 'overlaps another loan' },
        ]);
      }
      const loan = await em.save(
        MachineLoan,
        em.create(MachineLoan, {
          machineId: machine.id,
          lenderEnterpriseId: lender.id,
          borrowerEnterpriseId: borrower.id,
          startsAt,
          endsAt,
          note: dto.note ?? null,
          createdBy: actor.userId,
          revokedAt: null,
          revokedReason: null,
        }),
      );
      await this.audit.record(em, actor, {
        action: 'machine_loan.create',
        entityType: 'machine_loan',
        entityId: loan.id,
        enterpriseId: lender.id,
        regionPath: lender.regionPath,
        after: { ...view(loan) },
      });
      return view(loan);
    });
  }

  async revoke(actor: Actor, id: string, dto: RevokeMachineLoanDto): Promise<MachineLoanView> {
    return this.ds.transaction(async (em) => {
      const loan = await this.repo.findLoanForUpdate(em, id);
      const lender = loan ? await this.repo.findEnterprise(em, loan.lenderEnterpriseId) : null;
      if (!loan || !lender || !this.access.canReadEnterprise(actor, lender)) throw DomainError.notFound('Machine loan');
      this.access.assertManageable(actor, lender, 'Machine loan');
      if (loan.revokedAt)
        throw new DomainError(ErrorCode.INVALID_STATE, 'The loan is already revoked', [], { status: 'revoked' });
      const before = view(loan);
      loan.revokedAt = this.clock.now();
      loan.revokedReason = dto.reason;
      const saved = await em.save(MachineLoan, loan);
      await this.audit.record(em, actor, {
        action: 'machine_loan.revoke',
        entityType: 'machine_loan',
        entityId: id,
        enterpriseId: lender.id,
        regionPath: lender.regionPath,
        before: { ...before },
        after: { ...view(saved) },
      });
      return view(saved);
    });
  }

  async list(actor: Actor, q: PaginationQueryDto): Promise<Paginated<MachineLoanView>> {
    const [rows, total] = await this.repo.listVisible(actor, offsetOf(q), q.pageSize);
    return paginate(rows.map(view), total, q);
  }
}
