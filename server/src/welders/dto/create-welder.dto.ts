import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsIdNumber, IsMobile } from '../../common/validation/identifier.validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

export class CreateWelderDto {
  @ApiProperty({ example: '张伟', maxLength: 50 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  realName!: string;

  @ApiProperty({
    example: '11010519491231002X',
    description: '18-character resident ID number (GB 11643 check digit); stored encrypted, shown masked',
  })
  @Transform(upper)
  @IsIdNumber()
  idNumber!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '13900001111',
    description: 'Mainland mobile number; stored encrypted, shown masked',
  })
  @IsOptional()
  @IsMobile()
  phone?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'Employer; required for a platform admin, defaults to your own enterprise otherwise',
  })
  @IsOptional()
  @IsUUID()
  employerId?: string | null;
}
