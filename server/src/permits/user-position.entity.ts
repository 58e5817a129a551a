import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ApproverPosition } from './approval-chain';

/** An enterprise user's signing position (a user may hold several). */
@Entity('user_positions')
export class UserPosition {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  position!: ApproverPosition;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId!: string;

  @Column({ name: 'assigned_at', type: 'timestamptz' })
  assignedAt!: Date;
}
