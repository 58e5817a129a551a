import { ApiProperty } from '@nestjs/swagger';

export class ImportResultDto {
  @ApiProperty({ example: 3, description: 'Rows imported (all of them: imports are all-or-nothing)' })
  imported!: number;

  @ApiProperty({ type: [String], description: 'Ids of the created records, in sheet order' })
  ids!: string[];
}
