import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An X.509 certificate the device CA issued to a chip (issue 17 §1); revoked when the chip leaves its machine. */
@Entity('device_certificates')
export class DeviceCertificate {
  /** Lower-case hex. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  serial!: string;

  @Column({ name: 'chip_id', type: 'varchar', length: 64 })
  chipId!: string;

  @Column({ name: 'not_before', type: 'timestamptz' })
  notBefore!: Date;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;

  @Column({ type: 'text' })
  pem!: string;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  /** Set (by a trigger on machines.chip_id) when the chip left its machine: the serial is then on the CRL. */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
