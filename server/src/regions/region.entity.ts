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
  @PrimaryColumn({ type: 'varchar', length: 12 })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  level!: RegionLevel;

  @Column({ name: 'parent_code', type: 'varchar', length: 12, nullable: true })
  parentCode!: string | null;

  @Column({ type: 'text' })
  path!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
