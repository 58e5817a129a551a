import { ApiProperty } from '@nestjs/swagger';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only; each row's hash covers its content and the previous row's hash. */
@Entity('audit_log')
export class AuditEntry {
  @ApiProperty({ description: 'bigint, as a string' })
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @ApiProperty({ type: String, nullable: true })
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  @ApiProperty()
  @Column({ name: 'actor_role', type: 'varchar', length: 32 })
  actorRole!: string;

  @ApiProperty()
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @ApiProperty()
  @Column({ name: 'entity_type', type: 'varchar', length: 64 })
  entityType!: string;

  @ApiProperty()
  @Column({ name: 'entity_id', type: 'varchar', length: 64 })
  entityId!: string;

  /** Enterprise the record belongs to (for scoping the log); null for platform-wide records. */
  @ApiProperty({ type: String, nullable: true })
  @Column({ name: 'enterprise_id', type: 'uuid', nullable: true })
  enterpriseId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Column({ name: 'region_path', type: 'text', nullable: true })
  regionPath!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  @Column({ type: 'jsonb', nullable: true })
  before!: Record<string, unknown> | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  @Column({ type: 'jsonb', nullable: true })
  after!: Record<string, unknown> | null;

  @ApiProperty()
  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  @ApiProperty()
  @Column({ type: 'char', length: 64 })
  hash!: string;
}
