import { ApiProperty } from '@nestjs/swagger';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export enum RegionLevel {
  Province = 'province',
  City = 'city',
  County = 'county',
  Township = 'township',
  Village = 'village',
}

/** An administrative division (GB/T 2260 code). `path` lists the codes from the root, e.g. "/411426/411426100/". */
@Entity('regions')
export class Region {
  @ApiProperty({ example: '411426' })
  @PrimaryColumn({ type: 'varchar', length: 12 })
  code!: string;

  @ApiProperty()
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @ApiProperty({ enum: RegionLevel, enumName: 'RegionLevel' })
  @Column({ type: 'varchar', length: 16 })
  level!: RegionLevel;

  @ApiProperty({ type: String, nullable: true })
  @Column({ name: 'parent_code', type: 'varchar', length: 12, nullable: true })
  parentCode!: string | null;

  @ApiProperty({ example: '/411426/411426100/' })
  @Column({ type: 'text' })
  path!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
