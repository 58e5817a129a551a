import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ApplicationStatus {
  Pending = 'pending',
  Approved = 'approved',
  Rejected = 'rejected',
}

/**
 * 企业注册: an enterprise's own application to join the platform, reviewed by its township. Phones are
 * encrypted (FieldCipher) beside their masked form; the admin's password only as its hash, until decided.
 */
@Entity('enterprise_applications')
export class EnterpriseApplication {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tracking_code', type: 'char', length: 10, unique: true })
  trackingCode!: string;

  @Column({ type: 'varchar', length: 16, default: ApplicationStatus.Pending })
  status!: ApplicationStatus;

  @Column({ type: 'char', length: 18 })
  uscc!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  industry!: string;

  @Column({ name: 'region_code', type: 'varchar', length: 12 })
  regionCode!: string;

  @Column({ name: 'region_path', type: 'text' })
  regionPath!: string;

  @Column({ type: 'varchar', length: 300 })
  address!: string;

  @Column({ name: 'legal_representative', type: 'varchar', length: 50 })
  legalRepresentative!: string;

  @Column({ name: 'principal_name', type: 'varchar', length: 50 })
  principalName!: string;

  @Column({ name: 'principal_phone_enc', type: 'text' })
  principalPhoneEnc!: string;

  @Column({ name: 'principal_phone_masked', type: 'varchar', length: 11 })
  principalPhoneMasked!: string;

  @Column({ name: 'safety_manager_name', type: 'varchar', length: 50 })
  safetyManagerName!: string;

  @Column({ name: 'safety_manager_phone_enc', type: 'text' })
  safetyManagerPhoneEnc!: string;

  @Column({ name: 'safety_manager_phone_masked', type: 'varchar', length: 11 })
  safetyManagerPhoneMasked!: string;

  @Column({ name: 'admin_username', type: 'varchar', length: 64 })
  adminUsername!: string;

  @Column({ name: 'admin_display_name', type: 'varchar', length: 100 })
  adminDisplayName!: string;

  @Column({ name: 'admin_password_hash', type: 'varchar', length: 100, nullable: true, select: false })
  adminPasswordHash!: string | null;

  @Column({ name: 'licence_content_type', type: 'varchar', length: 16 })
  licenceContentType!: 'image/jpeg' | 'image/png';

  @Column({ name: 'licence_size_bytes', type: 'int' })
  licenceSizeBytes!: number;

  @Column({ name: 'licence_sha256', type: 'char', length: 64 })
  licenceSha256!: string;

  @Column({ name: 'licence_data', type: 'bytea', select: false })
  licenceData!: Buffer;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'reject_reason', type: 'varchar', length: 500, nullable: true })
  rejectReason!: string | null;

  @Column({ name: 'enterprise_id', type: 'uuid', nullable: true })
  enterpriseId!: string | null;
}
