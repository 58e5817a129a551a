import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { GENESIS_HASH, hashEntry } from './audit.service';
import { AuditEntry } from './audit-entry.entity';

export class ChainReport {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Entries verified (before the broken one, if any)' }) checked!: number;
  @ApiPropertyOptional() firstBrokenId?: string;
  @ApiPropertyOptional() reason?: string;
}

/** Walks the log in id order and names the first entry whose link or content does not match. */
export async function verifyAuditChain(ds: DataSource, batchSize = 5000): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let lastId = '0';
  let checked = 0;
  for (;;) {
    const rows = await ds
      .getRepository(AuditEntry)
      .createQueryBuilder('a')
      .where('a.id > :lastId', { lastId })
      .orderBy('a.id', 'ASC')
      .limit(batchSize)
      .getMany();
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      if (row.prevHash !== prev)
        return { ok: false, checked, firstBrokenId: row.id, reason: 'prev_hash does not match the previous entry' };
      if (hashEntry(prev, row) !== row.hash)
        return { ok: false, checked, firstBrokenId: row.id, reason: 'content does not match its hash' };
      prev = row.hash;
      lastId = row.id;
      checked++;
    }
  }
}
