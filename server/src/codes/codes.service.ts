import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CodeSigner } from './code-signer';
import { CodeStatus, CodeSubjectType, IdentityCode } from './identity-code.entity';

export interface CodeAuditScope {
  enterpriseId: string | null;
  regionPath?: string | null;
}

/**
 * Issues, revokes and resolves QR identity codes. Issue and revoke run inside the caller's
 * transaction, so that a machine or welder is never created without its code.
 */
@Injectable()
export class CodesService {
  readonly signer: CodeSigner;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {
    this.signer = new CodeSigner(config.secrets.codeSigningKey);
  }

  urlFor(code: string): string {
    return `${this.config.publicBaseUrl}/q/${code}`;
  }

  /** Issues a new active code for the subject, revoking any active one (re-issue). */
  async issueInTransaction(
    em: EntityManager,
    actor: Actor,
    subjectType: CodeSubjectType,
    subjectId: string,
    scope: CodeAuditScope,
    reason = 'issued',
  ): Promise<IdentityCode> {
    await this.revokeInTransaction(em, actor, subjectType, subjectId, scope, reason === 'issued' ? 'reissued' : reason);
    const code = await em.save(
      IdentityCode,
      em.create(IdentityCode, {
        code: this.signer.generate(subjectType),
        subjectType,
        subjectId,
        status: CodeStatus.Active,
      }),
    );
    await this.audit.record(em, actor, {
      action: 'code.issue',
      entityType: 'identity_code',
      entityId: code.id,
      enterpriseId: scope.enterpriseId,
      regionPath: scope.regionPath ?? null,
      after: { code: code.code, subjectType, subjectId, status: code.status, reason },
    });
    return code;
  }

  /** Revokes the subject's active code, if any (lost badge, retired machine). */
  async revokeInTransaction(
    em: EntityManager,
    actor: Actor,
    subjectType: CodeSubjectType,
    subjectId: string,
    scope: CodeAuditScope,
    reason: string,
  ): Promise<IdentityCode | null> {
    const active = await em.findOne(IdentityCode, { where: { subjectType, subjectId, status: CodeStatus.Active } });
    if (!active) return null;
    const before = { status: active.status };
    active.status = CodeStatus.Revoked;
    active.revokedAt = this.clock.now();
    active.revokedReason = reason.slice(0, 200);
    await em.save(IdentityCode, active);
    await this.audit.record(em, actor, {
      action: 'code.revoke',
      entityType: 'identity_code',
      entityId: active.id,
      enterpriseId: scope.enterpriseId,
      regionPath: scope.regionPath ?? null,
      before,
      after: { status: active.status, revokedReason: active.revokedReason, code: active.code },
    });
    return active;
  }

  findActiveForSubject(subjectType: CodeSubjectType, subjectId: string): Promise<IdentityCode | null> {
    return this.ds
      .getRepository(IdentityCode)
      .findOne({ where: { subjectType, subjectId, status: CodeStatus.Active } });
  }

  /** Of these subjects, the codes in use (one per subject at most). */
  findActiveForSubjects(subjectType: CodeSubjectType, subjectIds: string[]): Promise<IdentityCode[]> {
    return subjectIds.length
      ? this.ds
          .getRepository(IdentityCode)
          .find({ where: { subjectType, subjectId: In(subjectIds), status: CodeStatus.Active } })
      : Promise.resolve([]);
  }

  /** Whether the subject got a code after this one (the old code was replaced, not withdrawn). */
  async hasCodeIssuedAfter(code: IdentityCode): Promise<boolean> {
    const later = await this.ds
      .getRepository(IdentityCode)
      .createQueryBuilder('c')
      .where('c.subject_type = :t AND c.subject_id = :s AND c.issued_at > :at AND c.id <> :id', {
        t: code.subjectType,
        s: code.subjectId,
        at: code.issuedAt,
        id: code.id,
      })
      .getCount();
    return later > 0;
  }

  findByCode(code: string): Promise<IdentityCode | null> {
    return this.ds.getRepository(IdentityCode).findOne({ where: { code: code.trim().toUpperCase() } });
  }
}
