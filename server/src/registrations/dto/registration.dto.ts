import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { Trim } from '../../common/validation/field-helpers';
import { IsMobile, IsRegionCode, IsUscc } from '../../common/validation/identifier.validators';
import { ApplicationStatus } from '../enterprise-application.entity';

/** Form fields arrive as strings: trimmed, and "" counts as absent. */
const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value;
const trimmedUpper = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() || undefined : value;

/** Multipart: these fields and one `licence` photo (JPEG or PNG, at most 5 MB). */
export class SubmitRegistrationDto {
  @ApiProperty({ example: '91411426MA44HD001X', description: '统一社会信用代码 with a valid GB 32100 check character' })
  @Transform(trimmedUpper)
  @IsUscc()
  uscc!: string;

  @ApiProperty({ example: '夏邑县新建钢结构有限公司' })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: '金属制品业' })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  industry!: string;

  @ApiProperty({ example: '411426100', description: 'The township (乡镇) the enterprise is in' })
  @Transform(trimmed)
  @IsRegionCode()
  regionCode!: string;

  @ApiProperty({ example: '会亭镇工业园区纬二路1号' })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  address!: string;

  @ApiProperty({ example: '李法人', description: '法定代表人' })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  legalRepresentative!: string;

  @ApiProperty({ example: '王负责', description: '主要负责人' })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  principalName!: string;

  @ApiProperty({ example: '13837001101', description: 'Stored encrypted, shown masked' })
  @Transform(trimmed)
  @IsMobile()
  principalPhone!: string;

  @ApiProperty({ example: '赵安全', description: '安全管理人员' })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  safetyManagerName!: string;

  @ApiProperty({ example: '13837001102', description: 'Stored encrypted, shown masked' })
  @Transform(trimmed)
  @IsMobile()
  safetyManagerPhone!: string;

  @ApiProperty({
    example: 'xinjian.admin',
    description: "The enterprise admin's user name (3-64 letters, digits, . _ -)",
  })
  @Transform(trimmed)
  @Matches(/^[a-zA-Z0-9._-]{3,64}$/, { message: 'adminUsername must be 3-64 letters, digits, dot, dash or underscore' })
  adminUsername!: string;

  @ApiProperty({ example: '新建钢构管理员' })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  adminDisplayName!: string;

  @ApiProperty({ description: "The admin's password (password policy)" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  adminPassword!: string;
}

export class RegistrationReceiptView {
  @ApiProperty({ example: 'AB3DE-FG7HK', description: 'Keep it to follow the application' }) trackingCode!: string;
  @ApiProperty({ enum: ApplicationStatus, enumName: 'ApplicationStatus' }) status!: ApplicationStatus;
}

export class PublicRegistrationStatusView {
  @ApiProperty({ example: 'AB3DE-FG7HK' }) trackingCode!: string;
  @ApiProperty({ enum: ApplicationStatus, enumName: 'ApplicationStatus' }) status!: ApplicationStatus;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, format: 'date-time' }) submittedAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was rejected' }) rejectReason!: string | null;
  @ApiProperty({ description: 'Log in with this user name once approved' }) adminUsername!: string;
}

export class ListApplicationsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ApplicationStatus, enumName: 'ApplicationStatus', default: 'pending' })
  @IsOptional()
  @IsEnum(ApplicationStatus)
  status?: ApplicationStatus;
}

export class RejectApplicationDto {
  @ApiProperty({ example: '营业执照照片不清晰，请重新提交' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class ApplicationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() trackingCode!: string;
  @ApiProperty({ enum: ApplicationStatus, enumName: 'ApplicationStatus' }) status!: ApplicationStatus;
  @ApiProperty() uscc!: string;
  @ApiProperty() name!: string;
  @ApiProperty() industry!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() address!: string;
  @ApiProperty() legalRepresentative!: string;
  @ApiProperty() principalName!: string;
  @ApiProperty({ example: '138****1101' }) principalPhoneMasked!: string;
  @ApiProperty() safetyManagerName!: string;
  @ApiProperty({ example: '138****1102' }) safetyManagerPhoneMasked!: string;
  @ApiProperty() adminUsername!: string;
  @ApiProperty() adminDisplayName!: string;
  @ApiProperty({ type: String, format: 'date-time' }) submittedAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) rejectReason!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) enterpriseId!: string | null;
}
