import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Enterprise } from '../enterprises/enterprise.entity';

@Injectable()
export class LedgersRepository {
  constructor(private readonly ds: DataSource) {}

  /** The enterprise an import writes into (checked for scope and status by the caller). */
  findImportTarget(enterpriseId: string): Promise<Enterprise | null> {
    return this.ds.getRepository(Enterprise).findOne({ where: { id: enterpriseId } });
  }
}
