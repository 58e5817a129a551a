import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EnterpriseStatus } from '../../enterprises/enterprise.entity';
import { MachineKind, MachineStatus } from '../../machines/machine.entity';
import { WelderStatus } from '../../welders/welder.entity';

export const PUBLIC_CERTIFICATE_STATES = [
  'valid',
  'unverified',
  'review_overdue',
  'not_yet_valid',
  'expired',
  'suspended',
  'revoked',
  'none',
] as const;

export class PublicMachineDto {
  @ApiProperty({ example: '1号车间氩弧焊机' })
  name!: string;

  @ApiProperty({ enum: MachineKind, enumName: 'MachineKind' })
  kind!: MachineKind;

  @ApiProperty({ enum: MachineStatus, enumName: 'MachineStatus' })
  status!: MachineStatus;

  @ApiProperty({ description: 'Registered and not suspended or retired' })
  registered!: boolean;

  @ApiProperty({ description: 'A control chip is bound to the machine' })
  chipBound!: boolean;
}

export class PublicEnterpriseDto {
  @ApiProperty({ example: '夏邑县恒达钢结构有限公司' })
  name!: string;

  @ApiProperty({ enum: EnterpriseStatus, enumName: 'EnterpriseStatus' })
  status!: EnterpriseStatus;
}

export class PublicMachineAuthorisationDto {
  @ApiProperty({
    description:
      'Registered, chip bound, enterprise active and an approved hot-work permit naming the machine is in force now',
  })
  authorisedNow!: boolean;

  @ApiProperty({ description: 'An approved hot-work permit naming this machine is in its window now' })
  permitInForce!: boolean;

  @ApiProperty({ description: 'The machine is unlocked for a named welder right now (an unexpired, unrevoked grant)' })
  unlockedNow!: boolean;
}

export class PublicMachineScanDto {
  @ApiProperty({ enum: ['machine'] })
  type!: 'machine';

  @ApiProperty()
  code!: string;

  @ApiProperty({ description: 'The code is genuine and active' })
  valid!: boolean;

  @ApiProperty({ type: PublicMachineDto })
  machine!: PublicMachineDto;

  @ApiProperty({ type: PublicEnterpriseDto })
  enterprise!: PublicEnterpriseDto;

  @ApiProperty({ type: PublicMachineAuthorisationDto, description: 'Whether the machine may weld right now' })
  authorisation!: PublicMachineAuthorisationDto;
}

export class PublicWelderDto {
  @ApiProperty({ example: '张*', description: 'Family name only; the rest is masked' })
  maskedName!: string;

  @ApiProperty({ enum: WelderStatus, enumName: 'WelderStatus' })
  status!: WelderStatus;

  @ApiProperty({
    description:
      'An approved photo is shown to anonymous scanners (GET /api/public/codes/{code}/photo); false when there is none or the deployment keeps photos private (WELDER_PHOTO_PUBLIC)',
  })
  photo!: boolean;
}

export class PublicCertificateDto {
  @ApiProperty({ description: 'The best welding certificate lets the holder work today' })
  validToday!: boolean;

  @ApiProperty({ enum: PUBLIC_CERTIFICATE_STATES })
  state!: (typeof PUBLIC_CERTIFICATE_STATES)[number];

  @ApiPropertyOptional({
    example: '2028-03-01',
    description: 'Expiry of that certificate (China calendar date); absent when there is none',
  })
  expiresOn?: string;
}

export class PublicWelderScanDto {
  @ApiProperty({ enum: ['welder'] })
  type!: 'welder';

  @ApiProperty()
  code!: string;

  @ApiProperty({ description: 'The code is genuine and active' })
  valid!: boolean;

  @ApiProperty({ type: PublicWelderDto })
  welder!: PublicWelderDto;

  @ApiProperty({ type: PublicCertificateDto })
  certificate!: PublicCertificateDto;
}
