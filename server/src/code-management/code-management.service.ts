import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { chinaDate } from '../common/time/china-date';
import { Enterprise } from '../enterprises/enterprise.entity';
import { MachineStatus } from '../machines/machine.entity';
import { Role } from '../common/roles/role';
import { CodeViewDto } from './dto/code-view.dto';
import { CodeStatus, CodeSubjectType, IdentityCode } from '../codes/identity-code.entity';
import { CodeSubjects } from './code-subjects';
import { CodesService } from '../codes/codes.service';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MachineLabel, renderLabelSheet } from './label-sheet';
import { renderQrPng, renderQrSvg } from './qr-image';

interface Subject {
  type: CodeSubjectType;
  id: string;
  /** Owner that decides scope: the machine's enterprise or the welder's employer. */
  owner: Enterprise;
}

export interface QrImage {
  code: string;
  body: Buffer;
}

const WHAT: Record<CodeSubjectType, string> = {
  [CodeSubjectType.Machine]: 'Machine',
  [CodeSubjectType.Welder]: 'Welder',
};

/** What logged-in users do with codes: look them up, render them, replace or revoke them, print labels. */
@Injectable()
export class CodeManagementService {
  constructor(
    private readonly codes: CodesService,
    private readonly repo: CodeSubjects,
    private readonly access: AccessPolicy,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async getActive(actor: Actor, type: CodeSubjectType, id: string): Promise<CodeViewDto> {
    const subject = await this.readable(actor, type, id);
    return this.view(await this.activeCode(subject));
  }

  async png(actor: Actor, type: CodeSubjectType, id: string, size: number): Promise<QrImage> {
    const code = await this.activeCode(await this.readable(actor, type, id));
    return { code: code.code, body: await renderQrPng(this.codes.urlFor(code.code), size) };
  }

  async svg(actor: Actor, type: CodeSubjectType, id: string): Promise<QrImage> {
    const code = await this.activeCode(await this.readable(actor, type, id));
    return { code: code.code, body: Buffer.from(await renderQrSvg(this.codes.urlFor(code.code)), 'utf8') };
  }

  /** Replaces the active code (lost badge, damaged label); the old one scans as revoked from now on. */
  async reissue(actor: Actor, type: CodeSubjectType, id: string, reason: string): Promise<CodeViewDto> {
    const subject = await this.manageable(actor, type, id);
    const code = await this.ds.transaction(async (em) => {
      await this.lockUsable(em, subject);
      return this.codes.issueInTransaction(em, actor, type, id, this.auditScope(subject), reason);
    });
    return this.view(code);
  }

  async revoke(actor: Actor, type: CodeSubjectType, id: string, reason: string): Promise<CodeViewDto> {
    const subject = await this.manageable(actor, type, id);
    const revoked = await this.ds.transaction(async (em) => {
      await this.lock(em, subject);
      return this.codes.revokeInTransaction(em, actor, type, id, this.auditScope(subject), reason);
    });
    if (!revoked) throw new DomainError(ErrorCode.NOT_FOUND, `${WHAT[type]} has no active code`);
    return this.view(revoked);
  }

  /** An A4 HTML sheet of machine labels, in the order asked for. Every machine must be visible and have an active code. */
  async labelSheet(actor: Actor, machineIds: string[]): Promise<string> {
    const machines = await this.repo.findMachinesWithEnterprise(machineIds);
    const visible = new Map(
      machines.filter((m) => m.enterprise && this.access.canReadEnterprise(actor, m.enterprise)).map((m) => [m.id, m]),
    );
    const missing = machineIds.filter((id) => !visible.has(id));
    // Unknown and out-of-scope look the same, so listing the caller's own ids leaks nothing.
    if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, 'Machine not found', [], { machineIds: missing });
    const codes = new Map(
      (await this.repo.findActiveCodesForSubjects(CodeSubjectType.Machine, machineIds)).map((c) => [c.subjectId, c]),
    );
    const uncoded = machineIds.filter((id) => !codes.has(id));
    if (uncoded.length)
      throw new DomainError(ErrorCode.INVALID_STATE, 'Some machines have no active code; re-issue one first', [], {
        machineIds: uncoded,
      });
    const labels: MachineLabel[] = [];
    for (const id of machineIds) {
      const m = visible.get(id)!;
      const code = codes.get(id)!.code;
      labels.push({
        machineName: m.name,
        serialNumber: m.serialNumber,
        enterpriseName: m.enterprise!.name,
        code,
        qrSvg: await renderQrSvg(this.codes.urlFor(code)),
      });
      // Each QR is a few ms of synchronous work; 200 in a row held the event loop for up to a second.
      await yieldToEventLoop();
    }
    return renderLabelSheet(labels, chinaDate(this.clock.now()));
  }

  private async readable(actor: Actor, type: CodeSubjectType, id: string): Promise<Subject> {
    const subject = await this.findSubject(type, id);
    const ownWelderCode = type === CodeSubjectType.Welder && actor.role === Role.Welder && actor.welderId === id;
    if (!subject || (!ownWelderCode && !this.access.canReadEnterprise(actor, subject.owner)))
      throw DomainError.notFound(WHAT[type]);
    return subject;
  }

  /** Readable first (404 outside scope), then the owning enterprise or a platform admin (403 otherwise). */
  private async manageable(actor: Actor, type: CodeSubjectType, id: string): Promise<Subject> {
    const subject = await this.readable(actor, type, id);
    if (!this.access.canManageEnterprise(actor, subject.owner))
      throw new DomainError(ErrorCode.FORBIDDEN, `You may not change the code of this ${WHAT[type].toLowerCase()}`);
    return subject;
  }

  private async findSubject(type: CodeSubjectType, id: string): Promise<Subject | null> {
    if (type === CodeSubjectType.Machine) {
      const m = await this.repo.findMachineWithEnterprise(id);
      return m?.enterprise ? { type, id, owner: m.enterprise } : null;
    }
    const w = await this.repo.findWelderWithEmployer(id);
    return w?.employer ? { type, id, owner: w.employer } : null;
  }

  private async activeCode(subject: Subject): Promise<IdentityCode> {
    const code = await this.codes.findActiveForSubject(subject.type, subject.id);
    if (!code) throw new DomainError(ErrorCode.NOT_FOUND, `${WHAT[subject.type]} has no active code`);
    return code;
  }

  private async lock(em: EntityManager, subject: Subject): Promise<{ status: string }> {
    const row =
      subject.type === CodeSubjectType.Machine
        ? await this.repo.lockMachine(em, subject.id)
        : await this.repo.lockWelder(em, subject.id);
    if (!row) throw DomainError.notFound(WHAT[subject.type]);
    return row;
  }

  /** Checked under the lock, so a machine retired meanwhile gets no new code. */
  private async lockUsable(em: EntityManager, subject: Subject): Promise<void> {
    const row = await this.lock(em, subject);
    if (subject.type === CodeSubjectType.Machine && row.status === MachineStatus.Retired) {
      throw new DomainError(ErrorCode.MACHINE_RETIRED, 'The machine is retired; its code cannot be re-issued');
    }
  }

  private auditScope(subject: Subject) {
    return { enterpriseId: subject.owner.id, regionPath: subject.owner.regionPath };
  }

  private view(c: IdentityCode): CodeViewDto {
    const v: CodeViewDto = {
      code: c.code,
      url: this.codes.urlFor(c.code),
      status: c.status,
      issuedAt: c.issuedAt,
      subjectType: c.subjectType,
      subjectId: c.subjectId,
    };
    if (c.status === CodeStatus.Revoked) Object.assign(v, { revokedAt: c.revokedAt, revokedReason: c.revokedReason });
    return v;
  }
}
