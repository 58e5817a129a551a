import { Inject, Injectable } from '@nestjs/common';
import { Enterprise } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';

@Injectable()
export class LedgersRepository {
  constructor(@Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup) {}

  /** The enterprise an import writes into (checked for scope and status by the caller). */
  findImportTarget(enterpriseId: string): Promise<Enterprise | null> {
    return this.enterpriseLookup.findById(enterpriseId);
  }
}
