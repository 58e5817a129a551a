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

  /**
   * Set (by a trigger on machines.chip_id) when the chip left its machine, or by the sweep once a
   * superseded certificate's grace has passed: the serial is then on the CRL.
   */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** The cert.renew envelope id this certificate answered (null: issued at binding). */
  @Column({ name: 'renewal_request_id', type: 'varchar', length: 64, nullable: true })
  renewalRequestId!: string | null;

  /** The serial this renewal superseded. */
  @Column({ name: 'renews_serial', type: 'varchar', length: 64, nullable: true })
  renewsSerial!: string | null;

  /** When a renewal superseded this certificate; revoked DEVICE_CERT_SUPERSEDED_GRACE_S later. */
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt!: Date | null;
}
