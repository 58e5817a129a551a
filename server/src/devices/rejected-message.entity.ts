import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RejectionReason =
  'bad_signature' | 'malformed' | 'unregistered' | 'chip_mismatch' | 'expired' | 'topic' | 'replayed';

/** Evidence that a device message was refused ("rejected and logged"); payload cut to 2 KB. */
@Entity('rejected_messages')
export class RejectedMessage {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'varchar', length: 300 })
  topic!: string;

  @Column({ name: 'chip_id', type: 'varchar', length: 64, nullable: true })
  chipId!: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 200, nullable: true })
  clientId!: string | null;

  @Column({ type: 'varchar', length: 40 })
  reason!: RejectionReason;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  detail!: Record<string, unknown>;

  @Column({ name: 'payload_excerpt', type: 'varchar', length: 2048 })
  payloadExcerpt!: string;
}
