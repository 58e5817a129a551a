// Shapes of the server's views, as the pages use them (see server/src/*/**.view.ts).

export interface AlertView {
  id: string;
  type: string;
  title: string;
  titleEn: string;
  severity: 'info' | 'warning' | 'critical';
  state: 'open' | 'acknowledged' | 'closed';
  enterpriseId: string | null;
  enterpriseName: string | null;
  regionPath: string | null;
  machineId: string | null;
  welderId: string | null;
  permitId: string | null;
  chipId: string | null;
  evidence: Record<string, unknown>;
  lastEvidence: Record<string, unknown> | null;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  acknowledgeNote: string | null;
  closedAt: string | null;
  closeNote: string | null;
}

export interface OverviewView {
  generatedAt: string;
  today: string;
  regionCode: string | null;
  regionName: string | null;
  enterprises: { total: number; active: number; suspended: number; closed: number };
  machines: { total: number; registered: number; active: number; suspended: number; retired: number; chipped: number; online: number; arcing: number };
  welders: { total: number; certified: number; expiring90d: number; expired: number; reviewOverdue: number; none: number; other: number };
  permitsActiveToday: number;
  alerts: { open: number; acknowledged: number; openBySeverity: Record<string, number>; openByType: Record<string, number> };
  byTownship: { regionCode: string; regionName: string; enterprises: number; machines: number; chipped: number; welders: number; openAlerts: number }[];
  trend: { date: string; alerts: number; arcs: number; permits: number }[];
  sources: { devices: boolean; arcs: boolean; permits: boolean };
}

export interface EnterpriseView {
  id: string;
  name: string;
  uscc: string;
  industry: string;
  regionCode: string;
  regionPath: string;
  address: string;
  principalName: string;
  principalPhoneMasked: string;
  status: 'active' | 'suspended' | 'closed';
  statusReason: string | null;
  machineCount: number;
  welderCount: number;
}

export interface MachineView {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  name: string;
  kind: 'electric_arc' | 'resistance' | 'gas';
  manufacturer: string;
  model: string;
  serialNumber: string;
  ratedInputKva: number | null;
  /** Nameplate rated current (A; resistance welders: primary current); electric kinds only, null when unknown. Sent in every arm grant as maxCurrentA. */
  ratedCurrentA: number | null;
  status: 'registered' | 'active' | 'suspended' | 'retired';
  statusReason: string | null;
  suspendedByRegulator: boolean;
  retiredAt: string | null;
  chipId: string | null;
  code: { code: string; url: string; issuedAt: string } | null;
  createdAt: string;
}

export interface WelderView {
  id: string;
  realName: string;
  idNumberMasked: string;
  certificateNumberMasked: string;
  phoneMasked: string | null;
  employerId: string;
  employerName: string;
  status: 'active' | 'inactive';
  certificateState: string;
}

export interface CertificateView {
  id: string;
  certificateNumberMasked: string;
  subOperation: string;
  issuedOn: string;
  expiresOn: string;
  reviewDueOn: string;
  reviewWindowOpensOn: string;
  lastReviewedOn: string | null;
  issuingAuthority: string | null;
  status: string;
  source: string;
  /** Only 'verified' counts for work; an enterprise's entry starts 'unverified'. */
  verification: 'unverified' | 'verified' | 'rejected';
  verificationSource: string | null;
  verifiedAt: string | null;
  verificationNote: string | null;
  hasPhoto: boolean;
  validity: string;
  daysToExpiry: number;
}

export interface VerificationQueueItem extends CertificateView {
  welderId: string;
  welderName: string;
  employerId: string;
  employerName: string;
  createdAt: string;
}

export interface EngagementView { id: string; enterpriseName: string; kind: string; startsOn: string; endsOn: string | null; activeToday: boolean; note: string | null }

export interface WelderDetailView extends WelderView {
  engagements: EngagementView[];
  certificates: CertificateView[];
  trainings: { id: string; tier: string; course: string; hours: number; completedOn: string; provider: string | null; passed: boolean }[];
  trainingTotal: number;
  code: { code: string; url: string; issuedAt: string } | null;
}

export interface RegionView {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  path: string;
}

export interface AuditEntry {
  id: string;
  occurredAt: string;
  actorUserId: string | null;
  actorUsername?: string | null;
  actorRole: string;
  action: string;
  entityType: string;
  entityId: string;
  enterpriseId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface BlackoutView {
  id: string;
  regionCode: string;
  kind: string;
  /** ban: no arcs, no approval of overlapping permits; raise_level: overlapping permits one level up. */
  effect: 'ban' | 'raise_level';
  startsAt: string;
  endsAt: string;
  reason: string;
  status: string;
  cancelReason: string | null;
}

export type ApproverPosition = 'unit_head' | 'safety_department' | 'principal';

export type ApprovalChains = Record<'special' | 'level1' | 'level2', ApproverPosition[]>;

export interface RegionalMinimumView {
  regionCode: string;
  effective: ApprovalChains;
  inherited: ApprovalChains;
  own: ApprovalChains | null;
}

export interface HolidayYearView {
  year: number;
  published: boolean;
  source: string;
  days: { date: string; name: string }[];
}

export interface PermitSummary {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  status: string;
  requestedLevel: string;
  effectiveLevel: string;
  levelUpgradeReasons: { kind: string; date: string; label: string }[];
  workDescription: string;
  site: { address: string; point: { lat: number; lng: number }; geofence: { type: string; center?: { lat: number; lng: number }; radiusM?: number } };
  plannedStart: string;
  plannedEnd: string;
  latestPossibleEnd: string;
  welders: { id: string; realName: string }[];
  machines: { id: string; name: string }[];
  fireWatcher: { personId: string | null; name: string; phoneMasked: string | null } | null;
  applicant: { userId: string; username: string };
  approval: { chain: ApproverPosition[] | null; round: number; currentStep: number; nextPosition: ApproverPosition | null };
  rejectionReason: string | null;
  closedAt: string | null;
  workStoppedAt: string | null;
  fireWatchEndedAt: string | null;
}

export interface PermitDetail extends PermitSummary {
  checklist: { key: string; label: string; mandatory: boolean; checked: boolean }[];
  trail: { action: string; round: number; step: number | null; position: ApproverPosition | null; actorUsername: string; remark: string | null; occurredAt: string }[];
  gasAnalyses: { id: string; takenAt: string; gas: string; gasCode: string | null; lelClass: string; passMarkPercentVol: number; readingPercentVol: number; passed: boolean; analyst: string }[];
  extensions: { id: string; previousEnd: string; requestedEnd: string; reason: string; status: string; requestedAt: string }[];
}

export interface GasCatalogueItem {
  code: string;
  zh: string;
  en: string;
  lelPercent: number;
  aliases: string[];
  lelClass: 'ge4' | 'lt4';
  passMarkPercentVol: number;
}

/** GET /api/gas-catalogue: the gas's LEL sets the pass mark; a gas not listed is judged at freeText. */
export interface GasCatalogue {
  items: GasCatalogueItem[];
  freeText: { lelClass: 'ge4' | 'lt4'; passMarkPercentVol: number };
}
