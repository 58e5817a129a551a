import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A one-time code sent to a welder activating their account; only its hash is kept. */
@Entity('welder_activations')
export class WelderActivation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'welder_id', type: 'uuid' })
  welderId!: string;

  @Column({ name: 'code_hash', type: 'char', length: 64 })
  codeHash!: string;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'smallint', default: 0 })
  attempts!: number;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;
}
