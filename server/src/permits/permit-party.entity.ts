import { Entity, PrimaryColumn } from 'typeorm';

/** A welder named on a permit. */
@Entity('permit_welders')
export class PermitWelder {
  @PrimaryColumn({ name: 'permit_id', type: 'uuid' })
  permitId!: string;

  @PrimaryColumn({ name: 'welder_id', type: 'uuid' })
  welderId!: string;
}

/** A machine named on a permit. */
@Entity('permit_machines')
export class PermitMachine {
  @PrimaryColumn({ name: 'permit_id', type: 'uuid' })
  permitId!: string;

  @PrimaryColumn({ name: 'machine_id', type: 'uuid' })
  machineId!: string;
}
