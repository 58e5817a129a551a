import { OmitType, PartialType } from '@nestjs/swagger';
import { CreatePermitDto } from './create-permit.dto';

/** Any field of a draft (or a rejected permit being reworked); the enterprise cannot change. */
export class UpdatePermitDto extends PartialType(OmitType(CreatePermitDto, ['enterpriseId'] as const)) {}
