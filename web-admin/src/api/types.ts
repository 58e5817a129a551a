// The server's views, as generated from its OpenAPI document (schema.ts, `npm run api:types`); the names are
// the ones the pages have always used. Do not write shapes here: add @ApiProperty to the server's view instead.
import type { components } from './schema';

type Schemas = components['schemas'];

export type AlertView = Schemas['AlertView'];
export type AlertType = Schemas['AlertType'];
export type OverviewView = Schemas['OverviewView'];
export type EnterpriseView = Schemas['EnterpriseView'];
export type MachineView = Schemas['MachineView'];
export type WelderView = Schemas['WelderView'];
export type CertificateView = Schemas['CertificateView'];
export type VerificationQueueItem = Schemas['VerificationQueueItem'];
export type EngagementView = Schemas['EngagementView'];
export type WelderDetailView = Schemas['WelderDetailView'];
export type RegionView = Schemas['Region'];
export type AuditEntry = Schemas['AuditEntryView'];
export type BlackoutView = Schemas['BlackoutView'];
export type ApproverPosition = Schemas['ApproverPosition'];
export type ApprovalChains = Schemas['ApprovalChainsDto'];
export type RegionalMinimumView = Schemas['RegionalMinimumView'];
export type HolidayYearView = Schemas['HolidayYearView'];
export type PermitLevel = Schemas['PermitLevel'];
export type PermitSummary = Schemas['PermitSummaryView'];
export type PermitDetail = Schemas['PermitDetailView'];
export type GasCatalogueItem = Schemas['GasCatalogueItemView'];
/** GET /api/gas-catalogue: the gas's LEL sets the pass mark; a gas not listed is judged at freeText. */
export type GasCatalogue = Schemas['GasCatalogueView'];
export type ErrorCode = Schemas['ErrorCode'];
export type SilentMachineView = Schemas['SilentMachineView'];
export type UnpermittedMachineView = Schemas['UnpermittedMachineView'];
export type EmptyEnterpriseView = Schemas['EmptyEnterpriseView'];
export type UncertifiedWelderView = Schemas['UncertifiedWelderView'];
export type ReviewDueCertificateView = Schemas['ReviewDueCertificateView'];
export type IdlePermitView = Schemas['IdlePermitView'];
export type ReportedEnterpriseView = Schemas['ReportedEnterpriseView'];
export type FoundUnregisteredMachineView = Schemas['FoundUnregisteredMachineView'];
export type RankingRowView = Schemas['RankingRowView'];
export type AuditIndustriesView = Schemas['AuditIndustriesView'];
export type AuditList = Schemas['AuditList'];

export {
  alertTypeValues as ALERT_TYPES,
  errorCodeValues as ERROR_CODES,
  permitLevelValues as PERMIT_LEVELS,
} from './schema';
export type NotificationView = Schemas['NotificationView'];
export type UnreadCountView = Schemas['UnreadCountView'];
export type NotificationRuleView = Schemas['NotificationRuleView'];
export type DeliveryView = Schemas['DeliveryView'];
export type EndpointView = Schemas['EndpointView'];
