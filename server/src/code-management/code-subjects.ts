import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CodesService } from '../codes/codes.service';
import { CodeSubjectType, IdentityCode } from '../codes/identity-code.entity';
import { MACHINE_LOOKUP, MachineLookup } from '../machines/machine-lookup';
import { Machine } from '../machines/machine.entity';
import { Certificate } from '../welders/certificate.entity';
import { WELDER_ROSTER, WelderRoster } from '../welders/welder-roster';
import { Welder } from '../welders/welder.entity';

/**
 * What a code stands for (the machine or welder, its owner, certificates) and whether it was replaced,
 * for code management and the public scan. Each answer comes from the owning module's port.
 */
@Injectable()
export class CodeSubjects {
  constructor(
    private readonly codes: CodesService,
    @Inject(MACHINE_LOOKUP) private readonly machines: MachineLookup,
    @Inject(WELDER_ROSTER) private readonly welders: WelderRoster,
  ) {}

  hasCodeIssuedAfter(code: IdentityCode): Promise<boolean> {
    return this.codes.hasCodeIssuedAfter(code);
  }

  findMachineWithEnterprise(id: string): Promise<Machine | null> {
    return this.machines.findWithEnterprise(id);
  }

  findMachinesWithEnterprise(ids: string[]): Promise<Machine[]> {
    return this.machines.findManyWithEnterprise(ids);
  }

  findWelderWithEmployer(id: string): Promise<Welder | null> {
    return this.welders.findWithEmployer(id);
  }

  findWeldingCertificates(welderId: string): Promise<Certificate[]> {
    return this.welders.findWeldingCertificates([welderId]);
  }

  findActiveCodesForSubjects(subjectType: CodeSubjectType, subjectIds: string[]): Promise<IdentityCode[]> {
    return this.codes.findActiveForSubjects(subjectType, subjectIds);
  }

  /** Locks the subject row for the rest of the transaction, so that concurrent re-issues queue up. */
  async lockMachine(em: EntityManager, id: string): Promise<Machine | null> {
    return (await this.machines.findForUpdate(em, id))?.machine ?? null;
  }

  lockWelder(em: EntityManager, id: string): Promise<Welder | null> {
    return this.welders.lockWelder(em, id);
  }
}
