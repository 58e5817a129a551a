import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

export class PhonePositionDto {
  @ApiProperty({ example: 34.1721, description: 'WGS-84 latitude of the phone' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiProperty({ example: 116.0012, description: 'WGS-84 longitude of the phone' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lng!: number;

  @ApiProperty({ example: 8, description: 'Horizontal accuracy in metres as the phone reports it' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100_000)
  accuracyM!: number;
}

export class CreateArmSessionDto {
  @ApiProperty({
    example: 'https://arcgate.example/q/M1A2B3C4D5E6F7G8H9J0KM',
    description: 'What the phone scanned on the machine: its code or the code URL',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  machineCode!: string;

  @ApiProperty({ format: 'uuid', description: 'The approved hot-work permit to work under' })
  @IsUUID()
  permitId!: string;

  @ApiProperty({ type: PhonePositionDto })
  @ValidateNested()
  @Type(() => PhonePositionDto)
  position!: PhonePositionDto;
}
