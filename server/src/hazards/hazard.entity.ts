import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from '../database/columns';
import { HazardCategory, HazardLevel, HazardMeasureKind, HazardSource, HazardState, HazardStep } from './hazard-rules';

/** 隐患: one row of the hazard register, from any source. Region copied from the enterprise for scoping. */
@Entity('hazards')
export class Hazard {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'enterprise_id', type: 'uuid' }) enterpriseId!: string;
  @Column({ name: 'region_code', type: 'varchar', length: 12 }) regionCode!: string;
  @Column({ name: 'region_path', type: 'text' }) regionPath!: string;
  @Column({ name: 'machine_id', type: 'uuid', nullable: true }) machineId!: string | null;
  @Column({ name: 'welder_id', type: 'uuid', nullable: true }) welderId!: string | null;
  @Column({ name: 'permit_id', type: 'uuid', nullable: true }) permitId!: string | null;
  @Column({ type: 'varchar', length: 40 }) category!: HazardCategory;
  @Column({ type: 'varchar', length: 16 }) level!: HazardLevel;
  @Column({ type: 'varchar', length: 2000 }) description!: string;
  @Column({ name: 'legal_basis', type: 'varchar', length: 500, nullable: true }) legalBasis!: string | null;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  latitude!: number | null;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  longitude!: number | null;
  @Column({ type: 'varchar', length: 20 }) source!: HazardSource;
  @Column({ name: 'source_alert_id', type: 'uuid', nullable: true }) sourceAlertId!: string | null;
  @Column({ name: 'source_report_id', type: 'uuid', nullable: true }) sourceReportId!: string | null;
  /** The inspection target (one enterprise of a 双随机 plan) whose on-site visit found it. */
  @Column({ name: 'source_inspection_target_id', type: 'uuid', nullable: true })
  sourceInspectionTargetId!: string | null;
  @Column({ type: 'varchar', length: 16 }) state!: HazardState;
  /** 整改期限, set by the order. */
  @Column({ type: 'timestamptz', nullable: true }) deadline!: Date | null;
  /** Every regulator-side user who handled the item (registered, ordered, verified, sent back): none of them may sign it off. */
  @Column({ name: 'handler_ids', type: 'uuid', array: true, default: () => "'{}'" }) handlerIds!: string[];
  @Column({ name: 'verified_by', type: 'uuid', nullable: true }) verifiedBy!: string | null;
  @Column({ name: 'signed_off_by', type: 'uuid', nullable: true }) signedOffBy!: string | null;
  @Column({ name: 'signed_off_at', type: 'timestamptz', nullable: true }) signedOffAt!: Date | null;
  /** The deadline an overdue alert was raised for (null: none yet for the current deadline). */
  @Column({ name: 'overdue_alerted_for', type: 'timestamptz', nullable: true }) overdueAlertedFor!: Date | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The timeline: every step with who, when and where. */
@Entity('hazard_events')
export class HazardEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'hazard_id', type: 'uuid' }) hazardId!: string;
  @Column({ type: 'varchar', length: 16 }) step!: HazardStep;
  @Column({ name: 'from_state', type: 'varchar', length: 16, nullable: true }) fromState!: HazardState | null;
  @Column({ name: 'to_state', type: 'varchar', length: 16 }) toState!: HazardState;
  @Column({ type: 'varchar', length: 2000, nullable: true }) note!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) deadline!: Date | null;
  @Column({ name: 'on_site', type: 'boolean', nullable: true }) onSite!: boolean | null;
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true }) actorUserId!: string | null;
  @Column({ name: 'actor_name', type: 'varchar', length: 100 }) actorName!: string;
  @Column({ name: 'actor_role', type: 'varchar', length: 32 }) actorRole!: string;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  latitude!: number | null;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  longitude!: number | null;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
}

/** Photos of the finding and of the rectification evidence; bytes in PostgreSQL under the hazard's access rules. */
@Entity('hazard_photos')
export class HazardPhoto {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'hazard_id', type: 'uuid' }) hazardId!: string;
  @Column({ name: 'event_id', type: 'bigint' }) eventId!: string;
  @Column({ type: 'smallint' }) position!: number;
  @Column({ name: 'content_type', type: 'varchar', length: 16 }) contentType!: 'image/jpeg' | 'image/png';
  @Column({ name: 'size_bytes', type: 'int' }) sizeBytes!: number;
  @Column({ type: 'char', length: 64 }) sha256!: string;
  @Column({ type: 'bytea', select: false }) data!: Buffer;
}

/** 函告、通报、约谈、曝光 recorded against an enterprise (optionally about one hazard). */
@Entity('hazard_measures')
export class HazardMeasure {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'enterprise_id', type: 'uuid' }) enterpriseId!: string;
  @Column({ name: 'region_path', type: 'text' }) regionPath!: string;
  @Column({ name: 'hazard_id', type: 'uuid', nullable: true }) hazardId!: string | null;
  @Column({ type: 'varchar', length: 16 }) kind!: HazardMeasureKind;
  @Column({ type: 'varchar', length: 2000 }) note!: string;
  @Column({ name: 'issued_by', type: 'uuid', nullable: true }) issuedBy!: string | null;
  @Column({ name: 'issued_by_name', type: 'varchar', length: 100 }) issuedByName!: string;
  @Column({ name: 'issued_at', type: 'timestamptz' }) issuedAt!: Date;
}
