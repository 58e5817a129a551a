import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsUUID } from 'class-validator';
import { ReasonCode } from '@arcgate/protocol';
import { CursorShape, IsCursor, isCursorInstant } from '../../common/http/keyset-cursor';
import { PaginationQueryDto } from '../../common/http/pagination';
import { QueryBoolean } from '../../common/validation/field-helpers';
import { IsInstant } from '../../common/validation/date-time.validators';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Newest first, then the row's id (decisions.id, grants.grant_id: both uuid columns, so anything else
 * must stop here and not reach PostgreSQL): the order of both lists, unique (several share an instant).
 */
export const DECISION_CURSOR: CursorShape<'at' | 'id'> = { at: isCursorInstant, id: (v) => UUID.test(v) };
export const GRANT_CURSOR = DECISION_CURSOR;
const CURSOR_DOC = {
  description: "The previous answer's nextCursor: the rows after that page (in place of page, which it overrides)",
};

export class ListDecisionsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  machineId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  welderId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this enterprise (within your scope)' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'true: grants only; false: denials only' })
  @QueryBoolean()
  @IsOptional()
  @IsBoolean()
  allowed?: boolean;

  @ApiPropertyOptional({ enum: ReasonCode, enumName: 'ReasonCode' })
  @IsOptional()
  @IsEnum(ReasonCode)
  reason?: ReasonCode;

  @ApiPropertyOptional({ example: '2026-01-05T00:00:00+08:00', description: 'Decisions at or after this instant' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ example: '2026-01-06T00:00:00+08:00', description: 'Decisions before this instant' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional(CURSOR_DOC)
  @IsOptional()
  @IsCursor(DECISION_CURSOR)
  cursor?: string;
}

export class ListGrantsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  machineId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  welderId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  permitId?: string;

  @ApiPropertyOptional({ example: '2026-01-05T00:00:00+08:00', description: 'Issued at or after this instant' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ example: '2026-01-06T00:00:00+08:00', description: 'Issued before this instant' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional(CURSOR_DOC)
  @IsOptional()
  @IsCursor(GRANT_CURSOR)
  cursor?: string;
}
