import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CursorShape, IsCursor, isCursorBigint } from '../../common/http/keyset-cursor';
import { PaginationQueryDto } from '../../common/http/pagination';
import { IsInstant } from '../../common/validation/dates';

/** The audit list's order is its id, newest first (unique: the hash chain's order). */
export const AUDIT_CURSOR: CursorShape<'id'> = { id: isCursorBigint };

export class ListAuditQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ example: 'machine' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityId?: string;

  @ApiPropertyOptional({ description: 'Only entries of this enterprise' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  actorUserId?: string;

  @ApiPropertyOptional({ description: 'ISO instant, inclusive' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO instant, exclusive' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({
    description: "The previous answer's nextCursor: the entries after that page (in place of page, which it overrides)",
  })
  @IsOptional()
  @IsCursor(AUDIT_CURSOR)
  cursor?: string;
}
