import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { CodeSubjectType } from '../codes/identity-code.entity';
import { CodesService } from '../codes/codes.service';
import { FieldCipher } from '../common/crypto/field-cipher';
import { maskIdNumber, maskPhone } from '../common/validation/identifiers';
import { Enterprise } from '../enterprises/enterprise.entity';
import { Machine, MachineStatus } from '../machines/machine.entity';
import { Region, RegionLevel } from '../regions/region.entity';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { User } from '../users/user.entity';
import { Role } from '../common/roles/role';
import {
  Certificate,
  CertificateCategory,
  CertificateSource,
  CertificateStatus,
  CertificateSubOperation,
  CertificateVerification,
  VerificationSource,
} from '../welders/certificate.entity';
import { initialCertificateDates, nextReviewDue } from '../welders/certificate-rules';
import { TrainingRecord, TrainingTier } from '../welders/training-record.entity';
import { WelderEngagement } from '../welders/welder-engagement.entity';
import { Welder } from '../welders/welder.entity';
import {
  DEMO_ENGAGEMENTS,
  DEMO_ENTERPRISES,
  DEMO_MACHINES,
  DEMO_PASSWORD,
  DEMO_PERMIT_USERS,
  DEMO_POSITIONS,
  DEMO_REGIONS,
  DEMO_USERS,
  DEMO_WELDERS,
} from './demo-data';
import { ApproverPosition } from '../permits/approval-chain';
import { UserPosition } from '../permits/user-position.entity';

interface DemoIds {
  enterprises: Record<string, string>;
  machines: string[];
  welders: Record<string, string>;
}

/** Seeds Xiayi County demo data into an empty database, all in one transaction and audited as "system". */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly ds: DataSource,
    private readonly cipher: FieldCipher,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly codes: CodesService,
  ) {}

  async seedIfEmpty(): Promise<boolean> {
    const [{ count }] = await this.ds.query('SELECT count(*)::int AS count FROM regions');
    if (count > 0) return false;
    const passwordHash = await this.hasher.hash(DEMO_PASSWORD);
    await this.ds.transaction(async (em) => {
      const paths: Record<string, string> = {};
      for (const r of DEMO_REGIONS) {
        const path = r.parentCode ? `${paths[r.parentCode]}${r.code}/` : `/${r.code}/`;
        paths[r.code] = path;
        await em.insert(Region, {
          code: r.code,
          name: r.name,
          level: r.level as RegionLevel,
          parentCode: r.parentCode,
          path,
        });
      }
      const ids: DemoIds = { enterprises: {}, machines: [], welders: {} };
      for (const e of DEMO_ENTERPRISES) {
        const saved = await em.save(
          Enterprise,
          em.create(Enterprise, {
            name: e.name,
            uscc: e.uscc,
            industry: e.industry,
            regionCode: e.regionCode,
            regionPath: paths[e.regionCode],
            address: e.address,
            latitude: e.latitude,
            longitude: e.longitude,
            principalName: e.principalName,
            principalPhoneEnc: this.cipher.encrypt(e.principalPhone),
            controllerName: null,
            controllerPhoneEnc: null,
          }),
        );
        ids.enterprises[e.key] = saved.id;
        await this.audit.record(em, SYSTEM_ACTOR, {
          action: 'enterprise.create',
          entityType: 'enterprise',
          entityId: saved.id,
          enterpriseId: saved.id,
          regionPath: saved.regionPath,
          after: { name: e.name, uscc: e.uscc, principalPhone: maskPhone(e.principalPhone) },
        });
      }
      for (const m of DEMO_MACHINES) {
        const saved = await em.save(
          Machine,
          em.create(Machine, {
            enterpriseId: ids.enterprises[m.enterprise],
            name: m.name,
            kind: m.kind,
            manufacturer: m.manufacturer,
            model: m.model,
            serialNumber: m.serialNumber,
            ratedInputKva: m.ratedInputKva,
            ratedCurrentA: m.ratedCurrentA,
            status: MachineStatus.Active,
          }),
        );
        ids.machines.push(saved.id);
        await this.codes.issueInTransaction(em, SYSTEM_ACTOR, CodeSubjectType.Machine, saved.id, {
          enterpriseId: saved.enterpriseId,
        });
        await this.audit.record(em, SYSTEM_ACTOR, {
          action: 'machine.create',
          entityType: 'machine',
          entityId: saved.id,
          enterpriseId: saved.enterpriseId,
          after: { name: m.name, serialNumber: m.serialNumber },
        });
      }
      for (const w of DEMO_WELDERS) {
        const saved = await em.save(
          Welder,
          em.create(Welder, {
            realName: w.realName,
            idNumberEnc: this.cipher.encrypt(w.idNumber),
            idNumberIndex: this.cipher.blindIndex(w.idNumber),
            idNumberMasked: maskIdNumber(w.idNumber),
            phoneEnc: this.cipher.encrypt(w.phone),
            phoneMasked: maskPhone(w.phone),
            employerId: ids.enterprises[w.enterprise],
          }),
        );
        ids.welders[w.key] = saved.id;
        await this.codes.issueInTransaction(em, SYSTEM_ACTOR, CodeSubjectType.Welder, saved.id, {
          enterpriseId: saved.employerId,
        });
        await this.audit.record(em, SYSTEM_ACTOR, {
          action: 'welder.create',
          entityType: 'welder',
          entityId: saved.id,
          enterpriseId: saved.employerId,
          after: { realName: w.realName, idNumber: maskIdNumber(w.idNumber) },
        });
        if (w.certificate) {
          const dates = initialCertificateDates(w.certificate.issuedOn);
          // Demo: every certificate had its 3-year review done on time.
          const reviewDueOn = nextReviewDue(dates.reviewDueOn, dates.expiresOn);
          await em.insert(Certificate, {
            welderId: saved.id,
            category: CertificateCategory.WeldingAndThermalCutting,
            subOperation: CertificateSubOperation.FusionWeldingAndThermalCutting,
            issuedOn: w.certificate.issuedOn,
            expiresOn: dates.expiresOn,
            reviewDueOn,
            lastReviewedOn: dates.reviewDueOn,
            issuingAuthority: '商丘市应急管理局',
            status: CertificateStatus.Valid,
            source: CertificateSource.Import,
            // Demo data stands for records already confirmed by the issuer.
            verification: CertificateVerification.Verified,
            verificationSource: VerificationSource.Seed,
            verifiedAt: new Date(),
          });
        }
        await em.insert(TrainingRecord, {
          welderId: saved.id,
          tier: TrainingTier.County,
          course: '电气焊作业安全全员培训',
          hours: 8,
          completedOn: '2026-03-15',
          provider: '夏邑县应急管理局',
          passed: true,
        });
      }
      for (const g of DEMO_ENGAGEMENTS) {
        await em.insert(WelderEngagement, {
          welderId: ids.welders[g.welder],
          enterpriseId: ids.enterprises[g.enterprise],
          kind: g.kind,
          startsOn: g.startsOn,
          endsOn: null,
          note: '劳务派遣协议',
        });
      }
      for (const u of DEMO_USERS) {
        const user = await em.save(
          User,
          em.create(User, {
            username: u.username,
            passwordHash,
            displayName: u.displayName,
            role: u.role as Role,
            regionCode: 'regionCode' in u ? u.regionCode : null,
            enterpriseId: 'enterprise' in u ? ids.enterprises[u.enterprise] : null,
            welderId: 'welder' in u ? ids.welders[u.welder] : null,
          }),
        );
        await this.audit.record(em, SYSTEM_ACTOR, {
          action: 'user.create',
          entityType: 'user',
          entityId: user.id,
          enterpriseId: user.enterpriseId,
          after: { username: user.username, role: user.role },
        });
      }
      // Permit signers: accounts and signing positions for the hot-work approval chains.
      for (const u of DEMO_PERMIT_USERS) {
        const user = await em.save(
          User,
          em.create(User, {
            username: u.username,
            passwordHash,
            displayName: u.displayName,
            role: u.role as Role,
            regionCode: null,
            enterpriseId: ids.enterprises[u.enterprise],
            welderId: null,
          }),
        );
        await this.audit.record(em, SYSTEM_ACTOR, {
          action: 'user.create',
          entityType: 'user',
          entityId: user.id,
          enterpriseId: user.enterpriseId,
          after: { username: user.username, role: user.role },
        });
      }
      for (const p of DEMO_POSITIONS) {
        const user = await em.findOneOrFail(User, { where: { username: p.username } });
        await em.insert(
          UserPosition,
          p.positions.map((position) => ({
            userId: user.id,
            enterpriseId: ids.enterprises[p.enterprise],
            position: position as ApproverPosition,
            assignedAt: new Date(),
          })),
        );
        await this.audit.record(em, SYSTEM_ACTOR, {
          action: 'user_positions.update',
          entityType: 'user',
          entityId: user.id,
          enterpriseId: ids.enterprises[p.enterprise],
          after: { positions: [...p.positions] },
        });
      }
    });
    return true;
  }
}
