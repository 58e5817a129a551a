import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { TrimUpper } from '../../common/validation/field-helpers';
import { IsIdNumber, IsMobile } from '../../common/validation/identifier.validators';

export class StartActivationDto {
  @ApiProperty({ example: '41142619900101123X', description: 'Resident ID number, as in the registry' })
  @TrimUpper()
  @IsIdNumber()
  idNumber!: string;

  @ApiProperty({ example: 'T41142619900101123X', description: '特种作业操作证 number ("T" + the ID number)' })
  @TrimUpper()
  @Matches(/^T\d{17}[\dX]$/, { message: 'certificateNumber must be T followed by the 18-character ID number' })
  certificateNumber!: string;

  @ApiProperty({ example: '13837001234', description: 'The mobile number the registry holds' })
  @IsMobile()
  phone!: string;
}

export class ActivationSentView {
  @ApiProperty({ format: 'uuid', description: 'Give back with the code' }) activationId!: string;
  @ApiProperty({ example: '138****1234' }) phoneMasked!: string;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt!: Date;
  @ApiProperty({ description: 'Seconds before another code may be requested' }) resendAfterSeconds!: number;
}

export class CompleteActivationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  activationId!: string;

  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code!: string;

  @ApiProperty({ example: 'zhang.wei', description: '3-64 letters, digits, dot, dash or underscore' })
  @Matches(/^[a-zA-Z0-9._-]{3,64}$/, { message: 'username must be 3-64 letters, digits, dot, dash or underscore' })
  username!: string;

  @ApiProperty({ description: 'Chosen by the welder; the password policy applies' })
  @IsString()
  @MaxLength(128)
  password!: string;
}

export class ActivatedView {
  @ApiProperty() username!: string;
}
