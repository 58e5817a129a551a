import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from '../database/columns';

/**
 * 五现场 on-site record of one inspection target: 现场查 (findings), 现场讲 (explained) and 现场签字 (the
 * enterprise representative's signature drawn on the inspector's phone, PNG). Signing closes the record.
 * Field names are read by the document renderer (现场检查记录).
 */
@Entity('inspection_records')
export class InspectionRecord {
  @PrimaryColumn({ name: 'target_id', type: 'uuid' }) targetId!: string;
  @Column({ type: 'varchar', length: 4000, nullable: true }) findings!: string | null;
  @Column({ type: 'varchar', length: 4000, nullable: true }) explained!: string | null;
  @Column({ name: 'signer_name', type: 'varchar', length: 50, nullable: true }) signerName!: string | null;
  @Column({ name: 'signed_at', type: 'timestamptz', nullable: true }) signedAt!: Date | null;
  /** The inspector who collected the signature. */
  @Column({ name: 'signed_by', type: 'uuid', nullable: true }) signedBy!: string | null;
  /** PNG bytes (GET …/signature.png); not selected unless asked for. */
  @Column({ type: 'bytea', nullable: true, select: false }) signature!: Buffer | null;
  @Column({ name: 'signature_sha256', type: 'char', length: 64, nullable: true }) signatureSha256!: string | null;
  @Column({
    name: 'sign_latitude',
    type: 'numeric',
    precision: 9,
    scale: 6,
    nullable: true,
    transformer: numericTransformer,
  })
  signLatitude!: number | null;
  @Column({
    name: 'sign_longitude',
    type: 'numeric',
    precision: 9,
    scale: 6,
    nullable: true,
    transformer: numericTransformer,
  })
  signLongitude!: number | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'updated_by', type: 'uuid', nullable: true }) updatedBy!: string | null;
}

/** What a scan on site found: the subject of the target's enterprise, of another one, or a bad code. */
export const SCAN_OUTCOMES = ['found', 'other_enterprise', 'malformed', 'forged', 'unknown', 'revoked'] as const;
export type ScanOutcome = (typeof SCAN_OUTCOMES)[number];

/** One code scanned on site (machine or welder badge), with what it showed at that moment. */
@Entity('inspection_scans')
export class InspectionScan {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'target_id', type: 'uuid' }) targetId!: string;
  @Column({ type: 'varchar', length: 512 }) code!: string;
  @Column({ type: 'varchar', length: 24 }) outcome!: ScanOutcome;
  @Column({ name: 'subject_type', type: 'varchar', length: 10, nullable: true }) subjectType!:
    'machine' | 'welder' | null;
  @Column({ name: 'subject_id', type: 'uuid', nullable: true }) subjectId!: string | null;
  @Column({ name: 'enterprise_id', type: 'uuid', nullable: true }) enterpriseId!: string | null;
  /** The scan's facts as shown (registration, chip, permit, certificate, recent arcs). */
  @Column({ type: 'jsonb', nullable: true }) summary!: Record<string, unknown> | null;
  @Column({ name: 'scanned_by', type: 'uuid' }) scannedBy!: string;
  @Column({ name: 'scanned_at', type: 'timestamptz' }) scannedAt!: Date;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  latitude!: number | null;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  longitude!: number | null;
}

/**
 * A welding machine found on site with no code (not registered, not chipped): a hazard (焊机未加芯赋码)
 * and an off-platform finding (the off-platform audit lists these rows). Photos live with the hazard.
 */
@Entity('inspection_unregistered_machines')
export class UnregisteredMachineFinding {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'target_id', type: 'uuid' }) targetId!: string;
  @Column({ name: 'plan_id', type: 'uuid' }) planId!: string;
  @Column({ name: 'enterprise_id', type: 'uuid' }) enterpriseId!: string;
  @Column({ name: 'region_path', type: 'text' }) regionPath!: string;
  @Column({ type: 'varchar', length: 2000 }) description!: string;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  latitude!: number | null;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  longitude!: number | null;
  @Column({ name: 'hazard_id', type: 'uuid' }) hazardId!: string;
  @Column({ name: 'photo_count', type: 'int' }) photoCount!: number;
  @Column({ name: 'found_by', type: 'uuid' }) foundBy!: string;
  @Column({ name: 'found_at', type: 'timestamptz' }) foundAt!: Date;
}
