import ExcelJS from 'exceljs';
import request from 'supertest';
import { FakeClock } from '../common/clock/clock';
import { png } from '../../test-support/images';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { writeSecurityArtifact } from '../../test-support/security-artifact';
import { AlertsService } from '../alerts/alerts.service';
import { AlertType } from '../alerts/alert-type';
import { cst, demoIds, DemoIds, permitBody } from '../permits/testing/permit-fixtures';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { idNumberCheckChar, usccCheckChar } from '../common/validation/identifiers';
import { generateChipKeyPair } from '@arcgate/protocol';

/**
 * Tenant matrix (issue 12): every operation of the OpenAPI document is driven against tenant A's
 * records (恒达钢结构, 会亭镇) by every other tenant and role — an enterprise of another township
 * (admin and safety manager), an enterprise of another county, a welder of a third enterprise, A's
 * own welder, the regulators of another township and of another county, and nobody at all. Each must be refused (401/403/404), see none
 * of A's records in what comes back, and change no row; then A's own user (or its regulator or the
 * platform admin) gets past the same check with the same request, so the refusals are the tenant
 * rules at work and not a wrong id. An operation the document gains without a matrix entry fails
 * the test: add it below, or to ALLOWED with the reason it is not tenant data.
 */

type Fx = DemoIds & {
  permit: string;
  attachment: string;
  certificate: string;
  engagement: string;
  alert: string;
  blackout: string;
  report: string;
  reportPhoto: string;
  trackingCode: string;
  loan: string;
  steelMachine3: string;
  hengdaSafety: string;
  settings: Record<string, unknown>;
  /** A certificate A's employer entered: awaiting its regulator's verification. */
  pendingCertificate: string;
  importJob: string;
  minimumChains: Record<string, unknown>;
  /** A portrait of 张伟 that 恒达 uploaded: pending, for A's regulators to review. */
  welderPhoto: string;
  /** 恒达's self-inspection hazard (open, one photo): ordered, rectified, verified and signed off in matrix order. */
  hazard: string;
  hazardPhoto: string;
  /** The county's 双随机 plan over 夏邑县 (恒达 among the candidates). */
  inspectionPlan: string;
  /** 会亭镇's plan: its two regulator accounts are the two inspectors drawn for its target 1. */
  townshipPlan: string;
  /** A hazard registered at 会亭镇's plan target 1 (its on-site visit): handed over and verified there. */
  visitHazard: string;
  /** 会亭镇's enforcement case (warning only) against 恒达, from the hazard: closed in matrix order. */
  enforcementCase: string;
  /** A reward 会亭镇 proposed for a second, confirmed report of 恒达 (its hazard registered): approved and paid in matrix order. */
  reward: string;
  rewardReport: string;
  /** A safety manager account of 恒达 that account management acts on (disable, enable, reset, role). */
  hengdaStaff: string;
  /** A self-registration (企业注册) in 会亭镇, awaiting its township's review. */
  application: string;
  /** An in-app notification of hengda.admin's (only its owner may mark it read). */
  notification: string;
  /** 恒达's group robot (its enterprise admin manages it). */
  endpoint: string;
};

interface Entry {
  /** Path parameters naming A's record. */
  params?: (f: Fx) => Record<string, string>;
  /** Query naming A's records (list filters), tried in addition to the bare list. */
  query?: (f: Fx) => string;
  body?: (f: Fx) => unknown;
  multipart?: (f: Fx) => {
    fields: Record<string, string>;
    file?: { field: string; data: Buffer; name: string; type: string };
  };
  /** Who holds A's side of the operation. */
  owner: string;
  /** Status the owner gets (default: any 2xx). A domain refusal (409, 422) still proves the tenant check let the owner through. */
  ownerGets?: number[];
  /** Actors that are part of A for this operation (on top of the owner) and so are not tried as intruders. */
  alsoInside?: string[];
  /** Refusals other than 401/403/404 that this operation gives an outsider (e.g. 422 for naming A's welder on one's own permit). */
  intruderMay?: number[];
}

const uscc = (body17: string) => body17 + usccCheckChar(body17);
const idNo = (body17: string) => body17 + idNumberCheckChar(body17);
const ZHANG_ID = idNo('41142619850312001');
const CHIP = generateChipKeyPair();
const CHIP2 = generateChipKeyPair();
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

/** Outsiders of tenant A. A's own welder is an outsider to everything but its own self-service. */
const INTRUDERS = [
  'machinery.admin',
  'machinery.safety',
  'ningling.admin',
  'welder.sun',
  'welder.zhang',
  'matou.regulator',
  'ningling.regulator',
  null,
] as const;
type Intruder = (typeof INTRUDERS)[number];

/** Operations that are not tenant data, with the reason. Everything else must have a matrix entry. */
const ALLOWED: Record<string, string> = {
  'GET /api/health': 'liveness probe, no data',
  'POST /api/auth/login': 'log-in: anyone may try; throttled and tested in auth',
  'GET /api/auth/me': "self-service: the caller's own account only",
  'POST /api/auth/refresh':
    'public by design: the refresh cookie is the credential (auth/sessions.integration-spec.ts)',
  'POST /api/auth/logout': "self-service: ends the caller's own session",
  'POST /api/auth/logout-all': "self-service: ends the caller's own sessions",
  'POST /api/auth/password': "self-service: the caller's own password, with the current one",
  'GET /api/auth/sessions': "self-service: the caller's own sessions only",
  'DELETE /api/auth/sessions/{id}': "self-service: only the caller's own sessions (404 otherwise, sessions spec)",
  'GET /api/auth/login-history': "self-service: the caller's own log-in attempts only",
  'GET /api/auth/totp': "self-service: the caller's own two-factor state",
  'POST /api/auth/totp/enrol': "self-service: the caller's own two-factor secret",
  'POST /api/auth/totp/confirm': "self-service: the caller's own two-factor secret",
  'POST /api/auth/totp/disable': "self-service: the caller's own two-factor, with password and code",
  'POST /api/alerts/stream-ticket':
    "a ticket for the caller's own session; the stream it opens is scoped as GET /api/alerts/stream",
  'GET /api/regions': 'reference data: the administrative divisions, the same for everyone',
  'GET /api/regions/{code}': 'reference data: one administrative division',
  'POST /api/regions': 'platform admin only (role guard); regions are not tenant data',
  'GET /api/public/codes/{code}': 'public scan of a printed code by design (shows only public facts)',
  'GET /api/public/codes/{code}/photo':
    "public by design behind the welder's own unguessable signed code, and only where WELDER_PHOTO_PUBLIC allows (welders/welder-photos.integration-spec.ts)",
  'POST /api/public/reports': 'public report form by design (anonymous citizens)',
  'GET /api/public/report-regions': 'public reference data for the report form',
  'GET /api/public/inspection-plans/{id}':
    '一公开 by design: a plan’s draw published for anyone, no personal data (inspections.integration-spec.ts checks)',
  'GET /api/public/reports/{trackingCode}/reward':
    'public: the reporter follows the reward with the unguessable tracking code; state, amount and paid date only (rewards spec)',
  'GET /api/rewards/rules':
    "the county's reward amounts: reference data every regulator under the county reads, not any enterprise's record",
  'PUT /api/rewards/rules':
    "a county regulator sets its own county's reward table only (rewards/rewards.integration-spec.ts: townships refused)",
  'POST /api/public/enterprise-registrations':
    '企业注册: the public application form by design (throttled per address; registrations/registrations.integration-spec.ts)',
  'GET /api/public/enterprise-registrations/{trackingCode}':
    'public: the applicant follows the application with its unguessable tracking code; status, name and reason only',
  'POST /api/public/welder-activation':
    'public by design: a welder proves ID number, certificate number and phone against the registry (users/welder-activation.integration-spec.ts)',
  'POST /api/public/welder-activation/complete':
    'public by design: needs the one-time code sent to the registry phone (users/welder-activation.integration-spec.ts)',
  'GET /api/public/reports/{trackingCode}':
    'public: the reporter follows their report with its unguessable tracking code',
  'GET /api/devices/server-key': 'the server public key devices verify with; public by nature',
  'GET /api/devices/ca': 'the device CA certificate devices verify the broker with; public by nature',
  'GET /api/devices/crl': 'the device CRL brokers fetch; public by nature (signed by the CA, lists serials only)',
  'GET /api/ledgers/templates/machines.xlsx': 'empty import template',
  'GET /api/ledgers/templates/welders.xlsx': 'empty import template',
  'POST /api/broker/auth': 'broker hook: authenticated by the broker secret, not by user tenancy (broker suite)',
  'POST /api/broker/acl': 'broker hook (broker suite)',
  'POST /api/broker/mosquitto/user': 'broker hook (broker suite)',
  'POST /api/broker/mosquitto/superuser': 'broker hook (broker suite)',
  'POST /api/broker/mosquitto/acl': 'broker hook (broker suite)',
  'GET /api/broker/hook-secret': 'platform admin only (role guard): configuration of the external broker',
  'GET /api/alerts/stream':
    'server-sent events; per-tenant filtering is tested in alerts/alert-stream.integration-spec.ts',
  'POST /api/alerts/seen':
    "self-service: moves the caller's own last-seen mark (the menu badge); reads and changes nothing of any tenant",
  'GET /api/audit/verify': 'hash-chain check: answers only valid/invalid and a count, no records',
  'POST /api/arm-sessions':
    'self-service of a welder: starts their own phone session on a permit naming them (authorization/revocation-phone.integration-spec.ts)',
  'GET /api/arm-sessions/{id}':
    "self-service: looked up by id and the caller's own welder id (arm-sessions.service.ts); a session needs an approved permit on a bound machine, beyond these fixtures",
  'GET /api/arm-sessions':
    "self-service of a welder: lists only the caller's own phone starts (WHERE welder_id = the caller's welder id, arm-sessions.service.ts)",
  'POST /api/arm-sessions/{id}/end':
    "self-service: ends one of the caller's own phone starts, looked up by id and the caller's welder id like GET /api/arm-sessions/{id} (browser test e2e/phone-unlock.test.mjs)",
  'GET /api/stats/overview': "aggregate counts of the caller's own scope; no record ids",
  'GET /api/map/settings': "deployment configuration: the map's tile provider and browser key, no tenant data",
  'GET /api/map/boundaries': 'reference data: the administrative boundaries (GeoJSON), the same for everyone',
  'GET /api/holiday-calendar': 'reference data: the national statutory holiday calendar, the same for everyone',
  'GET /api/holiday-calendar/{year}': 'reference data: one year of the national holiday calendar',
  'PUT /api/holiday-calendar/{year}': 'platform admin only (role guard): the national calendar is not tenant data',
  'GET /api/gas-catalogue': 'reference data: common gases and their LEL',
  'GET /api/permits/awaiting-me':
    "self-service: a count of permits awaiting the caller's own signature in the caller's own enterprise (permits-guidance.integration-spec.ts)",
  'GET /api/broker/refusals':
    'platform admin only (role guard): counts of refused broker CONNECTs per reason, no tenant data',
  'GET /api/notifications':
    "self-service: the caller's own in-app notifications (WHERE user_id = the caller; notifications.integration-spec.ts)",
  'GET /api/notifications/unread-count': "self-service: the count of the caller's own unread notifications",
  'POST /api/notifications/read-all': "self-service: marks the caller's own notifications read, nobody else's",
  'GET /api/notification-endpoints':
    "self-service: the caller's own phone/e-mail and the robots of the caller's own enterprise (admin) or region (regulator)",
  'POST /api/notification-endpoints':
    "adds to the caller's own user, enterprise or region only; the owner is taken from the caller, never from the body (notifications.integration-spec.ts: other scopes 403)",
  'GET /api/notification-rules':
    'platform configuration read by platform admins and regulators (role guard): routing rules per alert type, no tenant data',
  'PUT /api/notification-rules/{id}': 'platform admin only (role guard): routing rules are not tenant data',
};

const A_REGULATORS = ['huiting.regulator', 'xiayi.regulator'];
const A_ENTERPRISE = ['hengda.admin', 'hengda.safety'];
/**
 * Inside A, the other side's roles on a write: A's regulators do not run A's registry or permits, and
 * A's staff do not take the regulator's actions (blackouts, reports, statuses, certificate reviews).
 */
function crossRoles(e: Entry): string[] {
  if (A_REGULATORS.includes(e.owner)) return A_ENTERPRISE;
  if (A_ENTERPRISE.includes(e.owner)) return A_REGULATORS;
  return [];
}

const MATRIX: Record<string, Entry> = {
  // the overview's map: machines, open alerts and permits in force of the caller's scope
  'GET /api/map/features': { owner: 'hengda.admin' },
  // enterprises
  'GET /api/enterprises': { owner: 'hengda.admin', query: () => 'q=恒达' },
  'GET /api/enterprises/{id}': { owner: 'hengda.admin', params: (f) => ({ id: f.steel }) },
  'PATCH /api/enterprises/{id}': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.steel }),
    body: () => ({ address: '会亭镇工业园区纬一路8号(矩阵)' }),
  },
  'POST /api/enterprises': {
    owner: 'huiting.regulator',
    alsoInside: ['xiayi.regulator'],
    body: () => ({
      name: '会亭镇矩阵测试厂',
      uscc: uscc('91411426MA44MX009'),
      industry: '金属制品业',
      regionCode: '411426100',
      address: '会亭镇',
      principalName: '王测试',
      principalPhone: '13837001099',
    }),
  },
  'POST /api/enterprises/{id}/status': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.steel }),
    body: () => ({ status: 'active', reason: '复核正常' }),
    ownerGets: [200, 201, 409, 422],
  },
  'GET /api/enterprises/{id}/permit-settings': { owner: 'hengda.admin', params: (f) => ({ id: f.steel }) },
  'PUT /api/enterprises/{id}/permit-settings': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.steel }),
    body: (f) => f.settings,
  },
  'GET /api/enterprises/{id}/permit-positions': { owner: 'hengda.admin', params: (f) => ({ id: f.steel }) },
  'PUT /api/enterprises/{id}/permit-positions/{userId}': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.steel, userId: f.hengdaSafety }),
    body: () => ({ positions: ['safety_department'] }),
  },
  // users
  'POST /api/users': {
    owner: 'hengda.admin',
    body: (f) => ({
      username: `hengda.extra${Math.random().toString(36).slice(2, 8)}`,
      password: DEMO_PASSWORD,
      displayName: '矩阵',
      role: 'safety_manager',
      enterpriseId: f.steel,
    }),
  },
  'GET /api/users': { owner: 'hengda.admin', query: () => 'q=hengda' },
  'GET /api/auth/accounts/{id}/login-history': { owner: 'hengda.admin', params: (f) => ({ id: f.hengdaStaff }) },
  'POST /api/users/{id}/disable': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.hengdaStaff }),
    ownerGets: [200, 409],
  },
  'POST /api/users/{id}/enable': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.hengdaStaff }),
    ownerGets: [200, 409],
  },
  'POST /api/users/{id}/reset-password': { owner: 'hengda.admin', params: (f) => ({ id: f.hengdaStaff }) },
  'PATCH /api/users/{id}/role': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.hengdaStaff }),
    body: () => ({ role: 'enterprise_admin' }),
    ownerGets: [200, 409],
  },
  // 企业注册: the review of 会亭镇's application by its township (and the county above it)
  'GET /api/enterprise-registrations': { owner: 'huiting.regulator', alsoInside: ['xiayi.regulator'] },
  'GET /api/enterprise-registrations/{id}': {
    owner: 'huiting.regulator',
    alsoInside: ['xiayi.regulator'],
    params: (f) => ({ id: f.application }),
  },
  'GET /api/enterprise-registrations/{id}/licence': {
    owner: 'huiting.regulator',
    alsoInside: ['xiayi.regulator'],
    params: (f) => ({ id: f.application }),
  },
  'POST /api/enterprise-registrations/{id}/approve': {
    owner: 'huiting.regulator',
    alsoInside: ['xiayi.regulator'],
    params: (f) => ({ id: f.application }),
    ownerGets: [200, 409],
  },
  'POST /api/enterprise-registrations/{id}/reject': {
    owner: 'huiting.regulator',
    alsoInside: ['xiayi.regulator'],
    params: (f) => ({ id: f.application }),
    body: () => ({ reason: '矩阵测试' }),
    ownerGets: [200, 409],
  },
  // machines, chips, codes
  'GET /api/machines': { owner: 'hengda.admin', query: (f) => `enterpriseId=${f.steel}` },
  'POST /api/machines': {
    owner: 'hengda.admin',
    body: (f) => ({
      enterpriseId: f.steel,
      name: '矩阵焊机',
      kind: 'electric_arc',
      manufacturer: '时代焊机',
      model: 'WS-400',
      serialNumber: 'MX-0001',
      ratedInputKva: 12.5,
      ratedCurrentA: 400,
    }),
  },
  'GET /api/machines/{id}': { owner: 'hengda.admin', params: (f) => ({ id: f.steelMachine1 }) },
  'PATCH /api/machines/{id}': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.steelMachine1 }),
    body: () => ({ name: '1号车间氩弧焊机(矩阵)' }),
  },
  // Shared by design: who may lift which suspension is judged by judgeMachineStatusChange (machines).
  'POST /api/machines/{id}/status': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.steelMachine1 }),
    body: () => ({ status: 'active', reason: '复核正常' }),
    ownerGets: [200, 201, 409, 422],
    alsoInside: A_ENTERPRISE,
  },
  'POST /api/machines/{id}/chip': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.steelMachine3 }),
    body: () => ({ chipId: CHIP.chip, publicKey: CHIP.publicKeyRaw }),
  },
  // The chip bound just above: read, replaced by another, then unbound.
  'GET /api/machines/{id}/device': { owner: 'hengda.admin', params: (f) => ({ id: f.steelMachine3 }) },
  'GET /api/machines/{id}/chip/certificate': { owner: 'hengda.admin', params: (f) => ({ id: f.steelMachine3 }) },
  'POST /api/machines/{id}/chip/replace': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.steelMachine3 }),
    body: () => ({ chipId: CHIP2.chip, publicKey: CHIP2.publicKeyRaw, reason: 'chip_faulty' }),
  },
  'POST /api/machines/{id}/chip/unbind': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.steelMachine3 }),
    body: () => ({ reason: 'bound_by_mistake' }),
  },
  'GET /api/codes/labels': { owner: 'hengda.admin', query: (f) => `machineIds=${f.steelMachine1}` },
  'GET /api/codes/{kind}/{id}': { owner: 'hengda.admin', params: (f) => ({ kind: 'machines', id: f.steelMachine1 }) },
  'GET /api/codes/{kind}/{id}/qr.png': {
    owner: 'hengda.admin',
    params: (f) => ({ kind: 'machines', id: f.steelMachine1 }),
  },
  'GET /api/codes/{kind}/{id}/qr.svg': {
    owner: 'hengda.admin',
    params: (f) => ({ kind: 'welders', id: f.zhang }),
    alsoInside: ['welder.zhang'],
  },
  'POST /api/codes/{kind}/{id}/reissue': {
    owner: 'hengda.admin',
    params: (f) => ({ kind: 'machines', id: f.steelMachine2 }),
    body: () => ({ reason: '标签损坏' }),
  },
  'POST /api/codes/{kind}/{id}/revoke': {
    owner: 'hengda.admin',
    params: (f) => ({ kind: 'machines', id: f.steelMachine3 }),
    body: () => ({ reason: '设备报废' }),
  },
  // welders and their records
  'GET /api/welders': { owner: 'hengda.admin', query: (f) => `employerId=${f.steel}`, alsoInside: ['welder.zhang'] },
  'POST /api/welders': {
    owner: 'hengda.admin',
    body: (f) => ({ realName: '矩阵焊工', idNumber: idNo('41142619950101009'), employerId: f.steel }),
  },
  'GET /api/welders/{id}': { owner: 'hengda.admin', params: (f) => ({ id: f.zhang }), alsoInside: ['welder.zhang'] },
  'PATCH /api/welders/{id}': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.zhang }),
    body: () => ({ phone: '13900001112' }),
  },
  'POST /api/welders/{id}/engagements': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.zhang }),
    body: (f) => ({ enterpriseId: f.construction, kind: 'dispatched', startsOn: '2026-01-10' }),
    ownerGets: [200, 201, 409, 422],
  },
  'POST /api/welders/{id}/engagements/{engagementId}/end': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.chen, engagementId: f.engagement }),
    body: () => ({ endsOn: '2026-06-30' }),
    ownerGets: [200, 201, 409, 422],
    alsoInside: ['machinery.admin', 'machinery.safety'],
  },
  'POST /api/welders/{id}/certificates': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.zhang }),
    body: () => ({ subOperation: 'pressure_welding', issuedOn: '2022-03-01' }),
    ownerGets: [200, 201, 409, 422],
  },
  'POST /api/welders/{id}/trainings': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.zhang }),
    body: () => ({ tier: 'enterprise', course: '矩阵培训', hours: 2, completedOn: '2026-01-04', passed: true }),
  },
  'GET /api/welders/{id}/trainings': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.zhang }),
    alsoInside: ['welder.zhang'],
  },
  'GET /api/certificates/{id}': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.certificate }),
    alsoInside: ['welder.zhang'],
  },
  // A row is about a person, not a tenant record: an outsider's import may answer with row errors, as long as nothing of A changes.
  'POST /api/certificates/import': {
    owner: 'hengda.admin',
    body: () => ({
      rows: [
        { idNumber: ZHANG_ID, certificateNumber: `T${ZHANG_ID}`, subOperation: 'brazing', issuedOn: '2023-05-01' },
      ],
    }),
    ownerGets: [200, 201, 409, 422],
    intruderMay: [200, 201, 422],
    alsoInside: A_REGULATORS,
  },
  // Shared by design: the enterprise records a 复审 as well (certificates).
  'POST /api/certificates/{id}/review': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.certificate }),
    ownerGets: [200, 201, 409, 422],
    alsoInside: A_ENTERPRISE,
  },
  // A certificate A's employer entered waits for A's regulators; no one else sees or decides it.
  'GET /api/certificates/verification-queue': { owner: 'huiting.regulator', alsoInside: ['xiayi.regulator'] },
  'POST /api/certificates/{id}/photo': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.pendingCertificate }),
    multipart: () => ({ fields: {}, file: { field: 'file', data: PNG, name: 'c.png', type: 'image/png' } }),
    alsoInside: A_REGULATORS,
  },
  // 张伟's portrait: his employer and A's regulators see it; A's regulators review it; then it is his badge's.
  'GET /api/welders/{id}/photo': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.zhang }),
    alsoInside: [...A_REGULATORS, 'welder.zhang'],
  },
  'GET /api/welder-photos': { owner: 'huiting.regulator', alsoInside: ['xiayi.regulator'] },
  'GET /api/welder-photos/{id}/image': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.welderPhoto }),
    alsoInside: ['xiayi.regulator'],
  },
  'POST /api/welder-photos/{id}/review': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.welderPhoto }),
    body: () => ({ decision: 'approve' }),
    alsoInside: ['xiayi.regulator'],
  },
  'GET /api/welders/{id}/photo/image': {
    owner: 'welder.zhang',
    params: (f) => ({ id: f.zhang }),
    alsoInside: [...A_ENTERPRISE, ...A_REGULATORS],
  },
  'POST /api/welders/{id}/photo': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.zhang }),
    multipart: () => ({ fields: {}, file: { field: 'file', data: png(100, 100), name: 'w.png', type: 'image/png' } }),
  },
  'GET /api/certificates/{id}/photo': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.pendingCertificate }),
    alsoInside: [...A_REGULATORS, 'welder.zhang'],
  },
  'POST /api/certificates/{id}/verification': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.pendingCertificate }),
    body: () => ({ decision: 'verified' }),
    alsoInside: ['xiayi.regulator'],
  },
  'POST /api/certificates/{id}/status': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.certificate }),
    body: () => ({ status: 'valid', reason: '复核正常' }),
    ownerGets: [200, 201, 409, 422],
  },
  // ledgers (imports, exports)
  'POST /api/ledgers/machines/import': {
    owner: 'hengda.admin',
    query: (f) => `enterpriseId=${f.steel}`,
    multipart: () => ({
      fields: {},
      file: {
        field: 'file',
        data: Buffer.from('not a workbook'),
        name: 'm.xlsx',
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    }),
    ownerGets: [400, 422],
  },
  'POST /api/ledgers/welders/import': {
    owner: 'hengda.admin',
    query: (f) => `enterpriseId=${f.steel}`,
    multipart: () => ({
      fields: {},
      file: {
        field: 'file',
        data: Buffer.from('not a workbook'),
        name: 'w.xlsx',
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    }),
    ownerGets: [400, 422],
  },
  // The job A's admin started (its result names the rows it imported or refused).
  'GET /api/ledgers/import-jobs/{id}': { owner: 'hengda.admin', params: (f) => ({ id: f.importJob }) },
  'GET /api/ledgers/import-jobs/{id}/errors.xlsx': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.importJob }),
    ownerGets: [200, 409],
  },
  'GET /api/ledgers/enterprises/export.xlsx': { owner: 'huiting.regulator' },
  'GET /api/ledgers/machines/export.xlsx': { owner: 'hengda.admin', query: (f) => `enterpriseId=${f.steel}` },
  'GET /api/ledgers/welders/export.xlsx': { owner: 'hengda.admin', query: (f) => `employerId=${f.steel}` },
  // machine loans
  'POST /api/machine-loans': {
    owner: 'hengda.admin',
    body: (f) => ({
      machineId: f.steelMachine2,
      borrowerEnterpriseId: f.construction,
      startsAt: cst(6, '00:00'),
      endsAt: cst(7, '00:00'),
    }),
    ownerGets: [201, 409],
  },
  'GET /api/machine-loans': { owner: 'hengda.admin' },
  'POST /api/machine-loans/{id}/revoke': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.loan }),
    body: () => ({ reason: '提前归还' }),
  },
  // permits and their records
  // A's welder sees the permits that name him (he picks one on the phone).
  'GET /api/permits': {
    owner: 'hengda.admin',
    query: (f) => `enterpriseId=${f.steel}&welderId=${f.zhang}&machineId=${f.steelMachine1}`,
    alsoInside: ['welder.zhang'],
  },
  // An outsider naming A's welder and machine on its own permit is refused as PERMIT_PARTY_UNAVAILABLE (422).
  'POST /api/permits': { owner: 'hengda.admin', body: (f) => permitBody(f), intruderMay: [422] },
  'GET /api/permits/form-guide': {
    owner: 'hengda.admin',
    query: (f) =>
      `enterpriseId=${f.steel}&level=level2&plannedStart=${encodeURIComponent(cst(5, '09:00'))}&plannedEnd=${encodeURIComponent(cst(5, '17:00'))}`,
  },
  'GET /api/permits/{id}': { owner: 'hengda.admin', params: (f) => ({ id: f.permit }), alsoInside: ['welder.zhang'] },
  'GET /api/permits/{id}/print': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    alsoInside: ['welder.zhang'],
  },
  'PATCH /api/permits/{id}': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    body: () => ({ workDescription: '2号车间钢梁焊接(矩阵)' }),
  },
  // A dry run that changes nothing: A's regulators may ask it too.
  'POST /api/permits/{id}/evaluate': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    body: (f) => ({ welderId: f.zhang, machineId: f.steelMachine1 }),
    alsoInside: A_REGULATORS,
  },
  'POST /api/permits/{id}/gas-analyses': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    body: () => ({
      takenAt: cst(5, '07:50'),
      gas: '甲烷',
      lelClass: 'ge4',
      lelPercent: 5,
      readingPercentVol: 0.3,
      analyst: '李分析',
    }),
    ownerGets: [200, 201, 409, 422],
  },
  'GET /api/permits/{id}/gas-analyses': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    alsoInside: ['welder.zhang'],
  },
  'POST /api/permits/{id}/attachments': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    multipart: () => ({ fields: {}, file: { field: 'file', data: PNG, name: 'm.png', type: 'image/png' } }),
  },
  'GET /api/permits/{id}/attachments': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    alsoInside: ['welder.zhang'],
  },
  'GET /api/permits/{id}/attachments/{attachmentId}': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit, attachmentId: f.attachment }),
    alsoInside: ['welder.zhang'],
  },
  'POST /api/permits/{id}/submit': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    ownerGets: [200, 201, 409, 422],
  },
  'POST /api/permits/{id}/approve': {
    owner: 'hengda.safety',
    params: (f) => ({ id: f.permit }),
    body: () => ({ remark: '同意' }),
    ownerGets: [200, 201, 403, 409, 422],
    alsoInside: ['hengda.admin'],
  },
  'POST /api/permits/{id}/extend': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    body: () => ({ newEnd: cst(5, '19:00'), reason: '钢梁焊接未完成' }),
    ownerGets: [200, 201, 409, 422],
  },
  'POST /api/permits/{id}/reject': {
    owner: 'hengda.safety',
    params: (f) => ({ id: f.permit }),
    body: () => ({ reason: '监护人未到位' }),
    ownerGets: [200, 201, 403, 409, 422],
    alsoInside: ['hengda.admin'],
  },
  'POST /api/permits/{id}/close': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    body: () => ({ workStoppedAt: cst(5, '07:55'), fireWatchEndedAt: cst(5, '07:58') }),
    ownerGets: [200, 201, 409, 422],
  },
  'POST /api/permits/{id}/cancel': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.permit }),
    body: () => ({ reason: '矩阵测试结束' }),
    ownerGets: [200, 201, 400, 409, 422],
  },
  // device decisions and arcs
  'GET /api/arcs': {
    owner: 'hengda.admin',
    query: (f) => `machineId=${f.steelMachine1}&welderId=${f.zhang}&permitId=${f.permit}`,
  },
  'GET /api/decisions': {
    owner: 'hengda.admin',
    query: (f) => `enterpriseId=${f.steel}&machineId=${f.steelMachine1}&welderId=${f.zhang}`,
  },
  'GET /api/grants': {
    owner: 'hengda.admin',
    query: (f) => `machineId=${f.steelMachine1}&welderId=${f.zhang}&permitId=${f.permit}`,
  },
  // alerts
  'GET /api/alerts': { owner: 'hengda.admin', query: (f) => `enterpriseId=${f.steel}&machineId=${f.steelMachine1}` },
  'GET /api/alerts/summary': { owner: 'hengda.admin', query: (f) => `enterpriseId=${f.steel}` },
  'GET /api/alerts/export.xlsx': {
    owner: 'hengda.admin',
    query: (f) => `enterpriseId=${f.steel}&machineId=${f.steelMachine1}&regionCode=411426100`,
  },
  'GET /api/alerts/unseen': { owner: 'hengda.admin' },
  'GET /api/alerts/{id}': { owner: 'hengda.admin', params: (f) => ({ id: f.alert }) },
  'POST /api/alerts/{id}/acknowledge': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.alert }),
    body: () => ({ note: '已核查' }),
    alsoInside: A_REGULATORS,
  },
  'POST /api/alerts/{id}/close': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.alert }),
    body: () => ({ note: '已处理' }),
    alsoInside: ['hengda.admin'],
  },
  // notifications: the bell's read mark is its owner's; 恒达's robot is its admin's; the delivery log is its regulators'
  'POST /api/notifications/{id}/read': { owner: 'hengda.admin', params: (f) => ({ id: f.notification }) },
  'DELETE /api/notification-endpoints/{id}': { owner: 'hengda.admin', params: (f) => ({ id: f.endpoint }) },
  'GET /api/notification-deliveries': {
    owner: 'huiting.regulator',
    query: (f) => `alertId=${f.alert}`,
    alsoInside: ['xiayi.regulator'],
  },
  // audit, stats
  'GET /api/audit': { owner: 'hengda.admin', query: (f) => `enterpriseId=${f.steel}&entityId=${f.permit}` },
  'GET /api/stats/off-platform': { owner: 'hengda.admin', query: (f) => `enterpriseId=${f.steel}` },
  'GET /api/stats/off-platform/export.xlsx': { owner: 'hengda.admin', query: (f) => `enterpriseId=${f.steel}` },
  // the off-platform audit: regulators' lists; A's suspects (its unchipped machines, 张伟 ...) only for A's regulators
  'GET /api/off-platform/silent-machines': { owner: 'huiting.regulator', query: () => 'regionCode=411426100' },
  'GET /api/off-platform/unpermitted-machines': { owner: 'huiting.regulator', query: () => 'regionCode=411426100' },
  'GET /api/off-platform/empty-enterprises': { owner: 'huiting.regulator', query: () => 'regionCode=411426100' },
  'GET /api/off-platform/uncertified-welders': { owner: 'huiting.regulator', query: () => 'regionCode=411426100' },
  'GET /api/off-platform/review-due-certificates': {
    owner: 'huiting.regulator',
    query: () => 'regionCode=411426100',
  },
  'GET /api/off-platform/idle-permits': { owner: 'huiting.regulator', query: () => 'regionCode=411426100' },
  'GET /api/off-platform/reported-enterprises': { owner: 'huiting.regulator', query: () => 'regionCode=411426100' },
  'GET /api/off-platform/ranking': { owner: 'huiting.regulator', query: () => 'regionCode=411426100' },
  'GET /api/off-platform/industries': { owner: 'huiting.regulator' },
  'GET /api/off-platform/export.xlsx': {
    owner: 'huiting.regulator',
    query: () => 'list=silent-machines&regionCode=411426100',
  },
  // regulators' records: blackouts and public reports of 会亭镇
  // The minimum approval chains of 会亭镇 are its regulators' (and the county's) to read and raise.
  'GET /api/regions/{code}/approval-minimums': {
    owner: 'huiting.regulator',
    params: () => ({ code: '411426100' }),
    alsoInside: ['xiayi.regulator'],
  },
  'PUT /api/regions/{code}/approval-minimums': {
    owner: 'huiting.regulator',
    params: () => ({ code: '411426100' }),
    body: (f) => ({ chains: f.minimumChains }),
    alsoInside: ['xiayi.regulator'],
  },
  'POST /api/blackouts': {
    owner: 'huiting.regulator',
    body: () => ({
      regionCode: '411426100',
      kind: 'high_wind',
      startsAt: cst(20, '08:00'),
      endsAt: cst(20, '18:00'),
      reason: '大风',
    }),
  },
  'GET /api/blackouts': { owner: 'huiting.regulator' },
  // A blackout of 会亭镇 concerns everyone working there, A's welder included.
  'GET /api/blackouts/{id}': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.blackout }),
    alsoInside: ['hengda.admin', 'welder.zhang'],
  },
  'POST /api/blackouts/{id}/cancel': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.blackout }),
    body: () => ({ reason: '解除' }),
  },
  'GET /api/reports': { owner: 'huiting.regulator' },
  'GET /api/reports/{id}': { owner: 'huiting.regulator', params: (f) => ({ id: f.report }) },
  'GET /api/reports/{id}/photos/{photoId}': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.report, photoId: f.reportPhoto }),
  },
  'POST /api/reports/{id}/transition': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.report }),
    body: () => ({ to: 'verifying' }),
  },
  // the hazard register (隐患台账) of 恒达: its own staff and the 会亭镇 / county regulators; the steps run in this order
  'GET /api/hazards': { owner: 'hengda.admin', query: (f) => `enterpriseId=${f.steel}&regionCode=411426100` },
  'GET /api/hazards/slow-progress': { owner: 'huiting.regulator' },
  'POST /api/hazards': {
    owner: 'hengda.admin',
    body: (f) => ({ enterpriseId: f.steel, category: 'other', level: 'general', description: '矩阵测试自查隐患' }),
    alsoInside: ['huiting.regulator', 'xiayi.regulator'],
  },
  'GET /api/hazards/{id}': { owner: 'hengda.admin', params: (f) => ({ id: f.hazard }) },
  'GET /api/hazards/{id}/photos/{photoId}': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.hazard, photoId: f.hazardPhoto }),
  },
  'POST /api/hazards/from-alert/{alertId}': {
    owner: 'huiting.regulator',
    params: (f) => ({ alertId: f.alert }),
    body: () => ({ level: 'general' }),
    alsoInside: ['xiayi.regulator'],
  },
  // The matrix's report is only being verified (not confirmed): the owner gets through to the state check.
  'POST /api/hazards/from-report/{reportId}': {
    owner: 'huiting.regulator',
    params: (f) => ({ reportId: f.report }),
    body: (f) => ({ level: 'general', category: 'unlicensed_welding', enterpriseId: f.steel }),
    alsoInside: ['xiayi.regulator'],
    ownerGets: [201, 409],
  },
  'POST /api/hazards/measures': {
    owner: 'huiting.regulator',
    body: (f) => ({ enterpriseId: f.steel, kind: 'letter', note: '函告整改', hazardId: f.hazard }),
    alsoInside: ['xiayi.regulator'],
  },
  'POST /api/hazards/{id}/order': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.hazard }),
    body: () => ({ deadline: cst(12, '08:00'), note: '限期整改' }),
    alsoInside: ['xiayi.regulator'],
  },
  'POST /api/hazards/{id}/rectify': {
    owner: 'hengda.admin',
    params: (f) => ({ id: f.hazard }),
    body: () => ({ note: '已整改' }),
    alsoInside: ['hengda.safety'],
  },
  'POST /api/hazards/{id}/verify': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.hazard }),
    body: () => ({ passed: true, onSite: false, note: '书面核查合格' }),
    alsoInside: ['xiayi.regulator'],
  },
  // 会亭镇 ordered and verified it: the county signs off (separation of duties).
  'POST /api/hazards/{id}/sign-off': {
    owner: 'xiayi.regulator',
    params: (f) => ({ id: f.hazard }),
    body: () => ({ approve: true, note: '审核销号' }),
    alsoInside: ['huiting.regulator'],
  },
  // 双随机 inspection plans: the county's regulators plan their region; townships see their own subtree only
  'GET /api/inspection-plans': { owner: 'xiayi.regulator' },
  'POST /api/inspection-plans': {
    owner: 'xiayi.regulator',
    body: () => ({
      title: '矩阵测试双随机抽查',
      regionCode: '411426',
      periodStart: '2026-06-01',
      periodEnd: '2026-06-30',
      sampleSize: 1,
      weights: { openAlerts: 1, daysSinceInspection: 1 },
    }),
  },
  'POST /api/inspection-plans/targeted': {
    owner: 'xiayi.regulator',
    body: (f) => ({
      enterpriseId: f.steel,
      reason: '焊机长期未上线',
      periodStart: '2026-06-01',
      periodEnd: '2026-06-07',
    }),
    alsoInside: ['huiting.regulator', 'huiting.inspector2'],
  },
  'GET /api/inspection-plans/{id}': { owner: 'xiayi.regulator', params: (f) => ({ id: f.inspectionPlan }) },
  'POST /api/inspection-plans/{id}/targets/{position}/check-in': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1' }),
    body: () => ({ latitude: 34.1722, longitude: 116.0013 }),
    alsoInside: ['huiting.inspector2', 'xiayi.regulator'],
  },
  // 五现场 on site: the two inspectors drawn for 会亭镇's target 1 act (after the check-in above); the county reads
  'GET /api/inspection-targets/mine': { owner: 'huiting.regulator', alsoInside: ['huiting.inspector2'] },
  'GET /api/inspection-plans/{id}/targets/{position}/record': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1' }),
    alsoInside: ['huiting.inspector2', 'xiayi.regulator'],
  },
  'PATCH /api/inspection-plans/{id}/targets/{position}/record': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1' }),
    body: () => ({ findings: '矩阵测试现场查', explained: '矩阵测试现场讲' }),
    alsoInside: ['huiting.inspector2', 'xiayi.regulator'],
  },
  'POST /api/inspection-plans/{id}/targets/{position}/scans': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1' }),
    body: () => ({ code: 'SD-WS400-240101' }),
    alsoInside: ['huiting.inspector2', 'xiayi.regulator'],
  },
  'POST /api/inspection-plans/{id}/targets/{position}/unregistered-machines': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1' }),
    multipart: () => ({
      fields: { description: '矩阵测试无码焊机' },
      file: { field: 'photos', data: PNG, name: 'm.png', type: 'image/png' },
    }),
    alsoInside: ['huiting.inspector2', 'xiayi.regulator'],
  },
  'POST /api/inspection-plans/{id}/targets/{position}/hazards': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1' }),
    body: () => ({
      category: 'fire_equipment_missing',
      level: 'general',
      description: '矩阵测试现场交办',
      deadline: cst(12, '08:00'),
      note: '限期整改',
    }),
    alsoInside: ['huiting.inspector2', 'xiayi.regulator'],
  },
  'POST /api/inspection-plans/{id}/targets/{position}/hazards/{hazardId}/hand-over': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1', hazardId: f.visitHazard }),
    body: () => ({ deadline: cst(12, '08:00'), note: '限期整改' }),
    alsoInside: ['huiting.inspector2', 'xiayi.regulator'],
  },
  // Ordered, not yet rectified: the owner reaches the hazard register's state rule.
  'POST /api/inspection-plans/{id}/targets/{position}/hazards/{hazardId}/verify': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1', hazardId: f.visitHazard }),
    body: () => ({ passed: true, note: '现场验收' }),
    alsoInside: ['huiting.inspector2', 'xiayi.regulator'],
    ownerGets: [200, 409],
  },
  'POST /api/inspection-plans/{id}/targets/{position}/signature': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1' }),
    multipart: () => ({
      fields: { signerName: '王建国' },
      file: { field: 'signature', data: png(120, 40), name: 's.png', type: 'image/png' },
    }),
    alsoInside: ['huiting.inspector2', 'xiayi.regulator'],
  },
  'GET /api/inspection-plans/{id}/targets/{position}/signature.png': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1' }),
    alsoInside: ['huiting.inspector2', 'xiayi.regulator'],
  },
  'GET /api/off-platform/found-unregistered-machines': { owner: 'huiting.regulator' },
  // 执法文书 (PDF): as visible as their records; by now the hazard is signed off and the township target checked in
  'GET /api/hazards/{id}/rectification-order.pdf': { owner: 'hengda.admin', params: (f) => ({ id: f.hazard }) },
  'GET /api/hazards/{id}/review-opinion.pdf': { owner: 'huiting.regulator', params: (f) => ({ id: f.hazard }) },
  'GET /api/inspection-plans/{id}/targets/{position}/record.pdf': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.townshipPlan, position: '1' }),
  },
  // enforcement cases (立案): regulators' files; 会亭镇 and the county regulate 恒达, its own staff are refused
  'GET /api/cases': { owner: 'huiting.regulator', query: (f) => `hazardId=${f.hazard}` },
  'GET /api/cases/statistics': { owner: 'huiting.regulator', query: () => 'from=2026-01&to=2026-12' },
  // 隐患统计 and 今日待办 (issue 15 §5): counts and items of the caller's own region only.
  'GET /api/hazards/statistics': {
    owner: 'huiting.regulator',
    query: () => `regionCode=411426100&industry=${encodeURIComponent('金属制品业')}`,
  },
  'GET /api/hazards/statistics/export.xlsx': { owner: 'huiting.regulator', query: () => 'regionCode=411426100' },
  'GET /api/me/today': { owner: 'huiting.regulator' },
  'POST /api/cases': {
    owner: 'huiting.regulator',
    body: (f) => ({
      hazardId: f.hazard,
      legalBasis: '《安全生产法》第一百零一条',
      facts: '矩阵测试立案',
      fineYuan: 5000,
    }),
    alsoInside: ['xiayi.regulator'],
  },
  'GET /api/cases/suspended-machines': { owner: 'huiting.regulator' },
  'GET /api/cases/{id}': { owner: 'huiting.regulator', params: (f) => ({ id: f.enforcementCase }) },
  'POST /api/cases/{id}/close': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.enforcementCase }),
    body: () => ({ note: '矩阵测试结案', liftSuspension: false }),
    alsoInside: ['xiayi.regulator'],
  },
  // rewards (查实即奖): regulators of the report's region; 会亭镇 proposed, the county approves, 会亭镇 records the payment
  'GET /api/rewards': { owner: 'huiting.regulator', query: () => 'state=proposed' },
  'POST /api/rewards': {
    owner: 'huiting.regulator',
    body: (f) => ({ reportId: f.rewardReport }),
    alsoInside: ['xiayi.regulator'],
    ownerGets: [409],
  },
  'GET /api/rewards/{id}': { owner: 'huiting.regulator', params: (f) => ({ id: f.reward }) },
  'POST /api/rewards/{id}/approve': {
    owner: 'xiayi.regulator',
    params: (f) => ({ id: f.reward }),
    alsoInside: ['huiting.regulator'],
  },
  'POST /api/rewards/{id}/pay': {
    owner: 'huiting.regulator',
    params: (f) => ({ id: f.reward }),
    body: () => ({ paidAt: cst(5, '08:00'), paymentReference: 'WX-MATRIX-0001' }),
    alsoInside: ['xiayi.regulator'],
  },
};

/** The PUT body of the permit settings as GET shows them (so that A's own PUT changes nothing). */
function pickSettings(view: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['holidays', 'nightHours', 'upgradeOnHolidays', 'upgradeAtNight', 'approvalChains'])
    if (view[k] !== undefined) out[k] = view[k];
  return out;
}

const key = (method: string, template: string) => `${method.toUpperCase()} ${template}`;

describe('tenant matrix: every operation, every other tenant and role', () => {
  let t: TestApp;
  let f: Fx;
  /** Strings only tenant A's side may ever see (record ids and names). */
  let secrets: string[] = [];
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  const tokens = new Map<string, string>();
  const stats = { operations: 0, intruderCalls: 0, ownerCalls: 0, ownerThrough: 0 };
  const classes = new Map<string, { tried: number; refused: number }>();
  const tally = (cls: string, refused: boolean) => {
    const c = classes.get(cls) ?? { tried: 0, refused: 0 };
    c.tried++;
    if (refused) c.refused++;
    classes.set(cls, c);
  };

  const as = async (u: string) => ({ Authorization: `Bearer ${tokens.get(u) ?? (await t.tokenFor(u))}` });
  const ok = (s: number) => s >= 200 && s < 300;

  beforeAll(async () => {
    // The notification worker and digest would write their own tables in the background while the matrix
    // compares table snapshots around every intruder's request; the fixture alerts need no delivery here.
    // So would the online-days roll-up (its watermark row): it runs at start, then not again within the matrix.
    t = await createTestApp({
      clock,
      config: { notifications: { workerDisabled: true }, onlineDaysRollup: { intervalS: 3600 } },
    });
    const ids = await demoIds(t.ds);
    const admin = await as('admin');
    const must = async (res: request.Response, what: string) => {
      if (!ok(res.status)) throw new Error(`fixture ${what}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as Record<string, unknown>;
    };
    // Other tenants: another township's enterprise, a third enterprise's welder, regulators of another township and another county.
    await must(
      await t.http.post('/api/regions').set(admin).send({ code: '411423', name: '宁陵县', level: 'county' }),
      'region',
    );
    const ningling = await must(
      await t.http
        .post('/api/enterprises')
        .set(admin)
        .send({
          name: '宁陵县矩阵机械厂',
          uscc: uscc('91411423MA44NL001'),
          industry: '金属制品业',
          regionCode: '411423',
          address: '宁陵县城关',
          principalName: '周测试',
          principalPhone: '13837002001',
        }),
      'enterprise of another county',
    );
    const users = [
      { username: 'ningling.admin', role: 'enterprise_admin', enterpriseId: ningling.id as string },
      { username: 'machinery.admin', role: 'enterprise_admin', enterpriseId: ids.machinery },
      { username: 'machinery.safety', role: 'safety_manager', enterpriseId: ids.machinery },
      { username: 'welder.sun', role: 'welder', welderId: ids.sun },
      { username: 'matou.regulator', role: 'regulator', regionCode: '411426101' },
      { username: 'ningling.regulator', role: 'regulator', regionCode: '411423' },
    ];
    for (const u of users)
      await must(
        await t.http
          .post('/api/users')
          .set(admin)
          .send({ password: DEMO_PASSWORD, displayName: u.username, ...u }),
        `user ${u.username}`,
      );
    for (const u of [
      ...users.map((x) => x.username),
      'hengda.admin',
      'hengda.safety',
      'welder.zhang',
      'huiting.regulator',
      'xiayi.regulator',
      'admin',
    ])
      tokens.set(u, await t.tokenFor(u));

    // Tenant A's records of every kind.
    const hengda = await as('hengda.admin');
    const permit = await must(await t.http.post('/api/permits').set(hengda).send(permitBody(ids)), 'permit');
    const attachment = await must(
      await t.http
        .post(`/api/permits/${permit.id}/attachments`)
        .set(hengda)
        .attach('file', PNG, { filename: 'site.png', contentType: 'image/png' }),
      'attachment',
    );
    const one = async (sql: string, p: unknown[] = []) => (await t.ds.query<{ id: string }[]>(sql, p))[0]?.id;
    const certificate = await one('SELECT id FROM certificates WHERE welder_id = $1 LIMIT 1', [ids.zhang]);
    const engagement = await one(
      'SELECT id FROM welder_engagements WHERE welder_id = $1 AND enterprise_id = $2 LIMIT 1',
      [ids.chen, ids.steel],
    );
    const steelMachine3 = await one('SELECT id FROM machines WHERE serial_number = $1', ['SH-G01-100-5521']);
    const alert = await t.app.get(AlertsService).raise({
      type: AlertType.TAMPER,
      enterpriseId: ids.steel,
      machineId: ids.steelMachine1,
      evidence: { matrix: true },
    });
    const blackout = await must(
      await t.http
        .post('/api/blackouts')
        .set(await as('huiting.regulator'))
        .send({
          regionCode: '411426100',
          kind: 'other',
          startsAt: cst(25, '08:00'),
          endsAt: cst(25, '18:00'),
          reason: '矩阵测试',
        }),
      'blackout',
    );
    const report = await must(
      await t.http
        .post('/api/public/reports')
        .field('description', '会亭镇工业园区有人无证焊接钢架')
        .field('regionCode', '411426100')
        .attach('photos', PNG, { filename: 'r.png', contentType: 'image/png' }),
      'public report',
    );
    const reportRow = await t.ds.query<{ id: string }[]>('SELECT id FROM reports ORDER BY created_at DESC LIMIT 1');
    const photo = await one('SELECT id FROM report_photos WHERE report_id = $1', [reportRow[0].id]);
    const hazard = await must(
      await t.http
        .post('/api/hazards')
        .set(hengda)
        .field('category', 'fire_equipment_missing')
        .field('level', 'general')
        .field('description', '矩阵测试：焊接点未配置灭火器')
        .attach('photos', PNG, { filename: 'h.png', contentType: 'image/png' }),
      'hazard',
    );
    const inspectionPlan = await must(
      await t.http
        .post('/api/inspection-plans')
        .set(await as('xiayi.regulator'))
        .send({
          title: '矩阵测试计划',
          regionCode: '411426',
          periodStart: '2026-06-01',
          periodEnd: '2026-06-30',
          sampleSize: 2,
          weights: { openAlerts: 1, daysSinceInspection: 1 },
        }),
      'inspection plan',
    );
    await must(
      await t.http.post('/api/users').set(admin).send({
        username: 'huiting.inspector2',
        password: DEMO_PASSWORD,
        displayName: '会亭镇执法员二',
        role: 'regulator',
        regionCode: '411426100',
      }),
      'second township inspector',
    );
    const townshipPlan = await must(
      await t.http
        .post('/api/inspection-plans')
        .set(await as('huiting.regulator'))
        .send({
          title: '矩阵测试会亭镇计划',
          regionCode: '411426100',
          periodStart: '2026-06-01',
          periodEnd: '2026-06-30',
          sampleSize: 1,
          weights: { openAlerts: 1, daysSinceInspection: 1 },
        }),
      'township inspection plan',
    );
    const visitHazard = await must(
      await t.http
        .post('/api/hazards')
        .set(await as('huiting.regulator'))
        .send({ enterpriseId: ids.steel, category: 'other', level: 'general', description: '矩阵测试现场发现隐患' }),
      'visit hazard',
    );
    await t.ds.query(
      `UPDATE hazards SET source_inspection_target_id = (SELECT id FROM inspection_targets WHERE plan_id = $1 AND position = 1) WHERE id = $2`,
      [townshipPlan.id, visitHazard.id],
    );
    const enforcementCase = await must(
      await t.http
        .post('/api/cases')
        .set(await as('huiting.regulator'))
        .send({ hazardId: hazard.id, legalBasis: '《安全生产法》第一百零一条', facts: '矩阵测试立案', warning: true }),
      'case',
    );
    const huitingReg = await as('huiting.regulator');
    const rewardReport = await must(
      await t.http.post('/api/public/reports').send({ description: '矩阵测试：恒达无证焊接', regionCode: '411426100' }),
      'reward report',
    );
    const [{ id: rewardReportId }] = await t.ds.query<{ id: string }[]>(
      'SELECT id FROM reports WHERE tracking_code = $1',
      [rewardReport.trackingCode],
    );
    for (const to of ['verifying', 'verified'])
      await must(
        await t.http.post(`/api/reports/${rewardReportId}/transition`).set(huitingReg).send({ to, note: '查实' }),
        'reward report confirmed',
      );
    await must(
      await t.http
        .post(`/api/hazards/from-report/${rewardReportId}`)
        .set(huitingReg)
        .send({ category: 'unlicensed_welding', level: 'general', enterpriseId: ids.steel }),
      'reward hazard',
    );
    await must(
      await t.http
        .put('/api/rewards/rules')
        .set(await as('xiayi.regulator'))
        .send({ category: 'unlicensed_welding', level: 'general', amountYuan: 500 }),
      'reward rule',
    );
    const reward = await must(
      await t.http.post('/api/rewards').set(huitingReg).send({ reportId: rewardReportId }),
      'reward',
    );
    const loan = await must(
      await t.http
        .post('/api/machine-loans')
        .set(hengda)
        .send({
          machineId: ids.steelMachine2,
          borrowerEnterpriseId: ids.construction,
          startsAt: cst(5, '00:00'),
          endsAt: cst(30, '00:00'),
        }),
      'loan',
    );
    const pending = await must(
      await t.http
        .post(`/api/welders/${ids.liu}/certificates`)
        .set(hengda)
        .send({ subOperation: 'pressure_welding', issuedOn: '2023-03-06' }),
      'certificate awaiting verification',
    );
    const template = (
      await t.http
        .get('/api/ledgers/templates/machines.xlsx')
        .set(hengda)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        })
    ).body as Buffer;
    const job = await must(
      await t.http.post(`/api/ledgers/machines/import?enterpriseId=${ids.steel}`).set(hengda).attach('file', template, {
        filename: 'm.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      }),
      'import job',
    );
    // Finished before the matrix starts: a job finishing later would change import_jobs mid-run.
    for (let i = 0; ; i++) {
      const state = (await must(await t.http.get(`/api/ledgers/import-jobs/${job.id}`).set(hengda), 'import job state'))
        .state;
      if (state !== 'queued' && state !== 'running') break;
      if (i > 600) throw new Error('fixture import job: still running after 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const minimum = await must(
      await t.http.get('/api/regions/411426100/approval-minimums').set(await as('huiting.regulator')),
      'approval minimums',
    );
    const portrait = await must(
      await t.http
        .post(`/api/welders/${ids.zhang}/photo`)
        .set(hengda)
        .attach('file', png(120, 160), { filename: 'zhang.png', contentType: 'image/png' }),
      'welder photo',
    );
    const staff = await must(
      await t.http.post('/api/users').set(hengda).send({
        username: 'hengda.matrix',
        password: DEMO_PASSWORD,
        displayName: '恒达矩阵账号',
        role: 'safety_manager',
        enterpriseId: ids.steel,
      }),
      'enterprise staff account',
    );
    const registration = t.http.post('/api/public/enterprise-registrations');
    for (const [k, v] of Object.entries({
      uscc: uscc('91411426MA44RX001'),
      name: '会亭镇矩阵注册厂',
      industry: '金属制品业',
      regionCode: '411426100',
      address: '会亭镇',
      legalRepresentative: '李矩阵',
      principalName: '王矩阵',
      principalPhone: '13837003001',
      safetyManagerName: '赵矩阵',
      safetyManagerPhone: '13837003002',
      adminUsername: 'matrix.applicant',
      adminDisplayName: '矩阵申请人',
      adminPassword: DEMO_PASSWORD,
    }))
      registration.field(k, v);
    const receipt = await must(
      await registration.attach('licence', png(8, 8), { filename: 'l.png', contentType: 'image/png' }),
      'self-registration',
    );
    const application = await one('SELECT id FROM enterprise_applications WHERE tracking_code = $1', [
      String(receipt.trackingCode).replace('-', ''),
    ]);
    f = {
      ...ids,
      hengdaStaff: staff.id as string,
      application,
      welderPhoto: (portrait.latest as { id: string }).id,
      pendingCertificate: pending.id as string,
      importJob: job.id as string,
      minimumChains: minimum.effective as Record<string, unknown>,
      permit: permit.id as string,
      attachment: attachment.id as string,
      certificate: certificate,
      engagement: engagement,
      alert: alert.id,
      blackout: blackout.id as string,
      report: reportRow[0].id,
      reportPhoto: photo,
      trackingCode: report.trackingCode as string,
      hazard: hazard.id as string,
      hazardPhoto: (hazard.photos as { id: string }[])[0].id,
      inspectionPlan: inspectionPlan.id as string,
      townshipPlan: townshipPlan.id as string,
      visitHazard: visitHazard.id as string,
      enforcementCase: enforcementCase.id as string,
      reward: reward.id as string,
      rewardReport: rewardReportId,
      loan: loan.id as string,
      steelMachine3: steelMachine3,
      hengdaSafety: ids.users['hengda.safety'],
      notification: (
        await t.ds.query(
          `INSERT INTO notifications (user_id, kind, alert_id, alert_type, severity, level, title, body, created_at)
           VALUES ($1, 'alert', $2, 'ARC_WITHOUT_GRANT', 'critical', 'enterprise_safety', '矩阵', '矩阵', now()) RETURNING id`,
          [ids.users['hengda.admin'], alert.id],
        )
      )[0].id as string,
      endpoint: (
        await must(
          await t.http.post('/api/notification-endpoints').set(hengda).send({
            scope: 'enterprise',
            channel: 'wecom',
            target: 'https://220.181.38.148/cgi-bin/webhook/send?key=MATRIX',
          }),
          'endpoint',
        )
      ).id as string,
      settings: pickSettings(
        await must(await t.http.get(`/api/enterprises/${ids.steel}/permit-settings`).set(hengda), 'settings'),
      ),
    };
    for (const [name, v] of Object.entries(f)) if (!v) throw new Error(`fixture ${name} missing`);
    // Only A's side may see these. (The steel enterprise id itself is not here: chen's employer legitimately sees the engagement with it.)
    secrets = [
      f.permit,
      f.attachment,
      f.pendingCertificate,
      f.importJob,
      f.steelMachine1,
      f.steelMachine2,
      f.steelMachine3,
      f.zhang,
      f.liu,
      f.certificate,
      f.alert,
      f.report,
      f.reportPhoto,
      f.hazard,
      f.hazardPhoto,
      f.enforcementCase,
      f.reward,
      f.hengdaSafety,
      f.hengdaStaff,
      f.application,
      '13837003001',
      f.notification,
      f.endpoint,
      'SD-WS400-240101',
      '1号车间氩弧焊机',
      '13837001001',
    ];
  }, 120_000);

  afterAll(async () => {
    const out = [...classes.entries()].map(([cls, c]) => ({
      class: cls,
      tried: c.tried,
      refused: c.refused,
      notes: NOTES[cls] ?? '',
    }));
    writeSecurityArtifact(
      'tenant-matrix',
      "Tenant matrix: every API operation against another tenant's records, by every other tenant and role",
      out,
      `${stats.operations} operations with ${stats.intruderCalls} intruder requests, ${Object.keys(ALLOWED).length} more allow-listed with a reason; A's own side got through on ${stats.ownerThrough} of ${stats.ownerCalls}`,
    );
    await t?.close();
  });

  /** Text of a response as an intruder would read it (xlsx unpacked to cell values). */
  const readable = async (res: request.Response): Promise<string> => {
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('spreadsheetml') && Buffer.isBuffer(res.body)) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as unknown as ArrayBuffer);
      const cells: string[] = [];
      wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.text)))));
      return cells.join('\n');
    }
    if (Buffer.isBuffer(res.body)) return res.body.toString('latin1');
    return `${res.text ?? ''}${JSON.stringify(res.body ?? '')}`;
  };

  /** Fingerprint of every row of every table: any insert, update or delete changes it. */
  let fpSql = '';
  const fingerprint = async (): Promise<Record<string, string>> => {
    if (!fpSql) {
      const tables = await t.ds.query<{ tablename: string }[]>(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '%migrations%' ORDER BY 1`,
      );
      // An export is audited as the record of who took which rows out: an intruder exporting what its own
      // scope holds (none of A's, which the leak check proves) is recorded, and that is no change to A.
      const reads = `WHERE x.action NOT IN ('alert.export', 'ledger.export', 'off_platform.export')`;
      fpSql = tables
        .map(
          ({ tablename }) =>
            // The rows' contents as a multiset: a sum of row hashes needs no sort (md5 of the sorted rows took
            // 74 ms a fingerprint, 25 s of this test), and a no-op update still leaves it unchanged.
            `SELECT '${tablename}' AS t, count(*) || ':' || coalesce(sum(hashtextextended(x::text, 0)::numeric), 0) AS h FROM "${tablename}" x ${tablename === 'audit_log' ? reads : ''}`,
        )
        .join(' UNION ALL ');
    }
    return Object.fromEntries((await t.ds.query<{ t: string; h: string }[]>(fpSql)).map((r) => [r.t, r.h]));
  };
  const changed = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]);

  const send = (method: string, template: string, e: Entry, user: string | null, withQuery: boolean) => {
    let url = template;
    for (const [k, v] of Object.entries(e.params?.(f) ?? {})) url = url.replace(`{${k}}`, encodeURIComponent(v));
    if (withQuery && e.query) url += `?${e.query(f)}`;
    let req = (t.http as unknown as Record<string, (u: string) => request.Test>)
      [method.toLowerCase()](url)
      .timeout({ response: 30_000, deadline: 60_000 });
    if (user) req = req.set('Authorization', `Bearer ${tokens.get(user)}`);
    if (
      template.endsWith('.xlsx') ||
      template.endsWith('.png') ||
      template.endsWith('.pdf') ||
      template.includes('/attachments/') ||
      template.includes('/photos/')
    ) {
      req = req.buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    }
    const mp = e.multipart?.(f);
    if (mp) {
      for (const [k, v] of Object.entries(mp.fields)) req = req.field(k, v);
      if (mp.file) req = req.attach(mp.file.field, mp.file.data, { filename: mp.file.name, contentType: mp.file.type });
      return req;
    }
    const body = e.body?.(f);
    return body === undefined ? req : req.send(body as object);
  };

  it('has an entry or a stated reason for every operation of the OpenAPI document', async () => {
    const doc = (await t.http.get('/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const ops = Object.entries(doc.paths).flatMap(([p, o]) =>
      Object.keys(o)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => key(m, p)),
    );
    expect(ops.length).toBeGreaterThan(90);
    expect(ops.filter((o) => !MATRIX[o] && !ALLOWED[o])).toEqual([]);
    // Entries for operations that no longer exist would silently test nothing.
    expect([...Object.keys(MATRIX), ...Object.keys(ALLOWED)].filter((o) => !ops.includes(o))).toEqual([]);
  });

  it('has a fingerprint that sees one changed value, and only where it changed', async () => {
    const before = await fingerprint();
    const [{ name }] = await t.ds.query<{ name: string }[]>(`SELECT name FROM regions WHERE code = '411426'`);
    await t.ds.query(`UPDATE regions SET name = $1 WHERE code = '411426'`, [`${name}x`]);
    const during = await fingerprint();
    await t.ds.query(`UPDATE regions SET name = $1 WHERE code = '411426'`, [name]);
    expect(changed(before, during)).toEqual(['regions']);
    expect(changed(before, await fingerprint())).toEqual([]);
  });

  it("refuses every other tenant and role on tenant A's records, leaks none of them, changes nothing; A itself gets through", async () => {
    const failures: string[] = [];
    for (const [op, e] of Object.entries(MATRIX)) {
      const [method, template] = op.split(' ');
      const isList = !e.params && method === 'GET';
      const isCreate = !e.params && method !== 'GET';
      stats.operations++;
      const before = await fingerprint();
      for (const who of [...INTRUDERS, ...(method === 'GET' ? [] : crossRoles(e))]) {
        if (who && (who === e.owner || e.alsoInside?.includes(who))) continue;
        for (const withQuery of e.query && isList ? [false, true] : [true]) {
          const res = await send(method, template, e, who, withQuery).catch((err: Error) => err);
          const where = `${op}${withQuery && e.query ? '?' + e.query(f) : ''} as ${who ?? 'anonymous'}`;
          if (res instanceof Error) {
            failures.push(`${where}: no answer (${res.message})`);
            continue;
          }
          const text = await readable(res);
          // An id the caller sent itself and sees echoed in an error is no leak.
          const sent = `${decodeURIComponent((res as unknown as { req?: { path?: string } }).req?.path ?? '')}${JSON.stringify(e.body?.(f) ?? '')}`;
          const leaked = secrets.filter((s) => text.includes(s) && !sent.includes(s));
          const cls =
            who === null
              ? 'anonymous caller'
              : !INTRUDERS.includes(who as Intruder)
                ? 'write by the other side of the same tenant (regulator ↔ enterprise)'
                : isList
                  ? 'list/search/export by another tenant or role'
                  : isCreate
                    ? 'create in another tenant'
                    : method === 'GET'
                      ? "read of another tenant's record"
                      : "write or action on another tenant's record";
          // A list may answer 200 as long as it holds nothing of A; a record or a write must be refused outright.
          const refused = isList
            ? (!ok(res.status) || leaked.length === 0) && res.status < 500
            : [401, 403, 404, ...(who ? (e.intruderMay ?? []) : [])].includes(res.status);
          tally(cls, refused && leaked.length === 0);
          stats.intruderCalls++;
          if (who === null && res.status !== 401) failures.push(`${where}: ${res.status} instead of 401`);
          else if (!refused) failures.push(`${where}: ${res.status} ${text.slice(0, 160)}`);
          if (leaked.length) failures.push(`${where}: ${res.status} shows A's ${leaked.join(', ')}`);
        }
      }
      const after = await fingerprint();
      const rows = changed(before, after);
      tally('database unchanged after the refused requests', rows.length === 0);
      if (rows.length) failures.push(`${op}: intruders changed ${rows.join(', ')}`);

      // A's own side, same request: proves the ids are right and the refusals are the tenant rules.
      const own = await send(method, template, e, e.owner, true).catch((err: Error) => err);
      stats.ownerCalls++;
      if (own instanceof Error) failures.push(`${op} as owner ${e.owner}: no answer (${own.message})`);
      else {
        const expected = e.ownerGets ? e.ownerGets.includes(own.status) : ok(own.status);
        if (!expected) failures.push(`${op} as owner ${e.owner}: ${own.status} ${(await readable(own)).slice(0, 200)}`);
        else stats.ownerThrough++;
        // The owner's lists do show A's records, so the leak check above can fail.
        if (
          isList &&
          ok(own.status) &&
          [
            'GET /api/permits',
            'GET /api/machines',
            'GET /api/welders',
            'GET /api/alerts',
            'GET /api/off-platform/silent-machines',
          ].includes(op)
        ) {
          if (!secrets.some((s) => (own.text ?? '').includes(s)))
            failures.push(`${op} as owner: none of A's records listed`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

const NOTES: Record<string, string> = {
  "read of another tenant's record":
    "GET by id of A's enterprise, machine, code, welder, certificate, permit, attachment, alert, blackout, report, photo…: must be 403/404",
  "write or action on another tenant's record":
    "PATCH/PUT/DELETE and every action (status, chip, codes, engagements, permit flow, alerts, loans, reports) on A's records: must be 403/404",
  'create in another tenant':
    'creating records (users, machines, welders, permits, loans, blackouts, imports) inside A: must be 403/404',
  'list/search/export by another tenant or role':
    "lists, searches and xlsx exports, bare and filtered by A's ids: refused or none of A's records in the answer",
  'anonymous caller': 'every tenant operation without a token: must be 401',
  'write by the other side of the same tenant (regulator ↔ enterprise)':
    "A's own regulators on A's registry and permit writes, A's own staff on the regulator's actions: must be 403/404",
  'database unchanged after the refused requests':
    'per operation, a fingerprint of every row of every table before and after all its refused attempts: must be identical',
};
