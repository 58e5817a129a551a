import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** 特种作业类别: 焊接与热切割作业 */
export enum CertificateCategory {
  WeldingAndThermalCutting = 'welding_and_thermal_cutting',
}

export enum CertificateSubOperation {
  /** 熔化焊接与热切割作业 */
  FusionWeldingAndThermalCutting = 'fusion_welding_and_thermal_cutting',
  /** 压力焊作业 */
  PressureWelding = 'pressure_welding',
  /** 钎焊作业 */
  Brazing = 'brazing',
}

export enum CertificateStatus {
  Valid = 'valid',
  Suspended = 'suspended',
  Revoked = 'revoked',
}

export enum CertificateSource {
  Import = 'import',
  Manual = 'manual',
  Connector = 'connector',
}

/**
 * Whether a certificate record has been checked against its issuer. Only `verified` counts for work:
 * a record an enterprise typed in or imported is a claim until a regulator of the holder's area (or the
 * official 特种作业操作证查询 source, once connected) confirms it.
 */
export enum CertificateVerification {
  Unverified = 'unverified',
  Verified = 'verified',
  Rejected = 'rejected',
}

/** Who vouched for a verified (or rejected) record. */
export enum VerificationSource {
  Regulator = 'regulator',
  OfficialSource = 'official_source',
  /** Demo data and rows the seeder wrote before verification existed. */
  Seed = 'seed',
}

/**
 * 特种作业操作证. Valid 6 years from issue; reviewed every 3 years (the review window opens
 * 60 days before the due date). The number is "T" + holder ID number and is derived, not stored.
 */
@Entity('certificates')
export class Certificate {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'welder_id', type: 'uuid' })
  welderId!: string;

  @Column({ type: 'varchar', length: 40 })
  category!: CertificateCategory;

  @Column({ name: 'sub_operation', type: 'varchar', length: 40 })
  subOperation!: CertificateSubOperation;

  @Column({ name: 'issued_on', type: 'date' })
  issuedOn!: string;

  @Column({ name: 'expires_on', type: 'date' })
  expiresOn!: string;

  @Column({ name: 'review_due_on', type: 'date' })
  reviewDueOn!: string;

  @Column({ name: 'last_reviewed_on', type: 'date', nullable: true })
  lastReviewedOn!: string | null;

  @Column({ name: 'issuing_authority', type: 'varchar', length: 100, nullable: true })
  issuingAuthority!: string | null;

  @Column({ type: 'varchar', length: 16, default: CertificateStatus.Valid })
  status!: CertificateStatus;

  @Column({ type: 'varchar', length: 16 })
  source!: CertificateSource;

  @Column({ type: 'varchar', length: 16, default: CertificateVerification.Unverified })
  verification!: CertificateVerification;

  @Column({ name: 'verification_source', type: 'varchar', length: 20, nullable: true })
  verificationSource!: VerificationSource | null;

  @Column({ name: 'verified_by', type: 'uuid', nullable: true })
  verifiedBy!: string | null;

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt!: Date | null;

  /** The regulator's reason for a rejection (shown to the enterprise), or a note on a verification. */
  @Column({ name: 'verification_note', type: 'varchar', length: 500, nullable: true })
  verificationNote!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
