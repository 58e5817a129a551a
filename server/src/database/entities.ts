import { Alert } from '../alerts/alert.entity';
import { Blackout } from '../blackouts/blackout.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { IdentityCode } from '../codes/identity-code.entity';
import { Enterprise } from '../enterprises/enterprise.entity';
import { Machine } from '../machines/machine.entity';
import { Region } from '../regions/region.entity';
import { User } from '../users/user.entity';
import { Certificate } from '../welders/certificate.entity';
import { CertificatePhoto } from '../welders/certificate-photo.entity';
import { TrainingRecord } from '../welders/training-record.entity';
import { WelderEngagement } from '../welders/welder-engagement.entity';
import { Welder } from '../welders/welder.entity';
import { MachineLoan } from '../machine-loans/machine-loan.entity';
import { Permit } from '../permits/permit.entity';
import { PermitMachine, PermitWelder } from '../permits/permit-party.entity';
import { PermitTrailEntry } from '../permits/permit-trail-entry.entity';
import { PermitExtension } from '../permits/permit-extension.entity';
import { GasAnalysis } from '../permits/gas-analysis.entity';
import { PermitAttachment } from '../permits/permit-attachment.entity';
import { EnterprisePermitSettings } from '../permits/permit-settings.entity';
import { UserPosition } from '../permits/user-position.entity';
import { RegionalApprovalMinimum } from '../permits/regional-minimum.entity';
import { HolidayCalendarYear, StatutoryHoliday } from '../permits/holiday-calendar.entity';
import { Chip } from '../devices/chip.entity';
import { DecisionRecord } from '../authorization/decision.entity';
import { GrantRecord } from '../authorization/grant.entity';
import { ArmSession } from '../authorization/arm-session.entity';
import { RejectedMessage } from '../devices/rejected-message.entity';
import { Report } from '../reports/report.entity';
import { ReportPhoto } from '../reports/report-photo.entity';
import { ReportEvent } from '../reports/report-event.entity';

/** Every TypeORM entity; a feature adds its own here. */
export const ENTITIES = [Region, Enterprise, Machine, Welder, WelderEngagement, Certificate, CertificatePhoto, TrainingRecord, IdentityCode, User, AuditEntry, Alert, Blackout,
  MachineLoan, Permit, PermitWelder, PermitMachine, PermitTrailEntry, PermitExtension, GasAnalysis, PermitAttachment, EnterprisePermitSettings, UserPosition, RegionalApprovalMinimum, HolidayCalendarYear, StatutoryHoliday, Chip, RejectedMessage, DecisionRecord, GrantRecord, ArmSession,
  Report, ReportPhoto, ReportEvent];
