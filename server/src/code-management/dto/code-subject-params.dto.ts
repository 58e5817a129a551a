import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { CodeSubjectType } from '../../codes/identity-code.entity';

/** URL segment naming the kind of subject: /codes/machines/:id or /codes/welders/:id. */
export const SUBJECT_SEGMENTS = { machines: CodeSubjectType.Machine, welders: CodeSubjectType.Welder } as const;
export type SubjectSegment = keyof typeof SUBJECT_SEGMENTS;

export class CodeSubjectParamsDto {
  @ApiProperty({ enum: Object.keys(SUBJECT_SEGMENTS), description: 'machines or welders' })
  @IsIn(Object.keys(SUBJECT_SEGMENTS))
  kind!: SubjectSegment;

  @ApiProperty({ format: 'uuid', description: 'The machine or welder id' })
  @IsUUID('all')
  id!: string;
}
