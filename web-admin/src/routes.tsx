// The whole URL map. Three areas:
//  1. public pages  – no login, no layout (scan a QR code, 一键举报)          → publicRoutes
//  2. welder pages  – phone-first, logged-in welders, their own layout (/w)   → welderRoutes
//  3. staff console – regulators (/console) and enterprises (/workspace) inside AppLayout
// Public and welder pages are owned by pages/public/** and pages/welder/**: add them to the two arrays below.
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Navigate, type RouteObject } from 'react-router-dom';
import { RequireRole } from './auth/RequireRole';
import { ENTERPRISE_ROLES, REGULATOR_ROLES, STAFF_ROLES, homeFor, useSession, type Role } from './auth/session';
import { RouteLoading } from './shell/RouteLoading';

// The entry holds React, the router, i18n and this map only: every page, both layouts and antd
// itself arrive as chunks of their own (budget: e2e/shell.test.mjs).
type PageModule = { default: ComponentType };

function suspended(Page: ComponentType): ReactNode {
  return (
    <Suspense fallback={<RouteLoading />}>
      <Page />
    </Suspense>
  );
}

/** A page inside a layout that already provides antd's scope (console, welder app). */
function page(load: () => Promise<PageModule>): ReactNode {
  return suspended(lazy(load));
}

/** A page or layout at the top of the tree: fetched together with antd's scope, in parallel. */
function scoped(load: () => Promise<PageModule>): ReactNode {
  return suspended(
    lazy(async () => {
      const [{ default: Page }, { default: AntdScope }] = await Promise.all([load(), import('./shell/AntdScope')]);
      return {
        default: () => (
          <AntdScope>
            <Page />
          </AntdScope>
        ),
      };
    }),
  );
}

/**
 * A phone page or layout at the top of the tree (public scan, welder app): no antd at all. Its pages draw
 * with shell/phone/kit.tsx, so a phone's first visit stays under its budget (e2e/shell.test.mjs).
 */
function light(load: () => Promise<PageModule>): ReactNode {
  return suspended(lazy(load));
}

function guarded(roles: Role[], node: ReactNode): ReactNode {
  return <RequireRole roles={roles}>{node}</RequireRole>;
}

function HomeRedirect() {
  const { user } = useSession();
  return <Navigate to={user ? homeFor(user.role) : '/login'} replace />;
}

// ---- 1. Public pages (no login, no layout). Owner: pages/public/**. -------------------------------
// The scan page is light() (no antd: it is what a passer-by's phone opens); the report pages are
// scoped(): each brings antd's scope with it (no layout above it provides one).
export const publicRoutes: RouteObject[] = [
  { path: '/q/:code', element: light(() => import('./pages/public/ScanPage')) },
  { path: '/report', element: scoped(() => import('./pages/public/ReportPage')) },
  { path: '/report/status', element: scoped(() => import('./pages/public/ReportStatusPage')) },
  { path: '/inspections/plans/:id', element: light(() => import('./pages/public/InspectionPlanPage')) },
  // 企业注册 and its progress; /activate is a welder's phone page (light: no antd)
  { path: '/register', element: scoped(() => import('./pages/public/RegisterPage')) },
  { path: '/register/status', element: scoped(() => import('./pages/public/RegisterStatusPage')) },
  { path: '/activate', element: light(() => import('./pages/public/ActivatePage')) },
];

// ---- 2. Welder pages (login as welder, own phone layout). Owner: pages/welder/**. -----------------
// Wrap elements with guarded(['welder'], ...) so only welders reach them. The layout is light(): the
// welder pages draw with shell/phone/kit.tsx, not antd.
export const welderRoutes: RouteObject[] = [
  {
    path: '/w',
    element: guarded(
      ['welder'],
      light(() => import('./pages/welder/WelderLayout')),
    ),
    children: [
      { index: true, element: page(() => import('./pages/welder/BadgePage')) },
      { path: 'start', element: page(() => import('./pages/welder/StartPage')) },
      { path: 'certificates', element: page(() => import('./pages/welder/CertificatesPage')) },
    ],
  },
];

// Inspector pages (五现场 on a regulator's phone): light() like the welder app, guarded for regulators.
export const inspectorRoutes: RouteObject[] = [
  {
    path: '/i',
    element: guarded(
      ['regulator'],
      light(() => import('./pages/inspector/InspectorLayout')),
    ),
    children: [
      { index: true, element: page(() => import('./pages/inspector/TargetsPage')) },
      { path: 'targets/:planId/:position', element: page(() => import('./pages/inspector/TargetPage')) },
    ],
  },
];

// ---- 3. Staff console ----------------------------------------------------------------------------
const regulatorRoutes: RouteObject[] = [
  { path: 'overview', element: page(() => import('./pages/console/OverviewPage')) },
  { path: 'alerts', element: page(() => import('./pages/console/AlertsPage')) },
  { path: 'reports', element: page(() => import('./pages/reports/ReportsPage')) },
  { path: 'hazards', element: page(() => import('./pages/hazards/HazardsPage')) },
  { path: 'hazard-statistics', element: page(() => import('./pages/hazards/HazardStatisticsPage')) },
  { path: 'inspections', element: page(() => import('./pages/inspections/InspectionPlansPage')) },
  { path: 'cases', element: page(() => import('./pages/cases/CasesPage')) },
  { path: 'rewards', element: page(() => import('./pages/rewards/RewardsPage')) },
  { path: 'enforcement-statistics', element: page(() => import('./pages/cases/EnforcementStatsPage')) },
  { path: 'off-platform', element: page(() => import('./pages/console/OffPlatformPage')) },
  { path: 'ledgers/enterprises', element: page(() => import('./pages/console/EnterprisesLedgerPage')) },
  { path: 'ledgers/machines', element: page(() => import('./pages/console/MachinesLedgerPage')) },
  { path: 'ledgers/welders', element: page(() => import('./pages/console/WeldersLedgerPage')) },
  { path: 'certificates/verification', element: page(() => import('./pages/console/CertificateVerificationPage')) },
  { path: 'welder-photos', element: page(() => import('./pages/console/WelderPhotoReviewPage')) },
  { path: 'permits', element: page(() => import('./pages/shared/PermitsPage')) },
  { path: 'audit', element: page(() => import('./pages/console/AuditPage')) },
  { path: 'blackouts', element: page(() => import('./pages/console/BlackoutsPage')) },
  { path: 'permit-rules', element: page(() => import('./pages/console/PermitRulesPage')) },
  { path: 'accounts', element: page(() => import('./pages/accounts/AccountsPage')) },
  { path: 'registrations', element: page(() => import('./pages/accounts/RegistrationsPage')) },
  { path: 'security', element: page(() => import('./pages/account/AccountSecurityPage')) },
  { path: 'notification-rules', element: page(() => import('./pages/notifications/NotificationRulesPage')) },
  { path: 'notification-deliveries', element: page(() => import('./pages/notifications/NotificationDeliveriesPage')) },
  { path: 'notification-settings', element: page(() => import('./pages/notifications/NotificationSettingsPage')) },
];

const enterpriseRoutes: RouteObject[] = [
  { path: 'overview', element: page(() => import('./pages/console/OverviewPage')) },
  { path: 'machines', element: page(() => import('./pages/workspace/MachinesPage')) },
  { path: 'machines/:id/chip', element: page(() => import('./pages/workspace/MachineChipPage')) },
  { path: 'welders', element: page(() => import('./pages/workspace/WeldersPage')) },
  { path: 'import', element: page(() => import('./pages/workspace/ImportPage')) },
  { path: 'permits', element: page(() => import('./pages/shared/PermitsPage')) },
  { path: 'alerts', element: page(() => import('./pages/console/AlertsPage')) },
  { path: 'hazards', element: page(() => import('./pages/hazards/HazardsPage')) },
  {
    path: 'accounts',
    element: guarded(
      ['enterprise_admin'],
      page(() => import('./pages/accounts/AccountsPage')),
    ),
  },
  { path: 'security', element: page(() => import('./pages/account/AccountSecurityPage')) },
  { path: 'notification-settings', element: page(() => import('./pages/notifications/NotificationSettingsPage')) },
];

/** antd Layout, Menu and icons: only the console loads them. */
const consoleLayout = scoped(() => import('./shell/AppLayout').then((m) => ({ default: m.AppLayout })));

export const routes: RouteObject[] = [
  { path: '/login', element: scoped(() => import('./pages/LoginPage')) },
  // Right after log-in, a restricted session's one step (forced password change, TOTP set-up): no layout.
  {
    path: '/account/password',
    element: scoped(() =>
      import('./pages/account/AccountStepPage').then((m) => ({ default: () => <m.default step="password" /> })),
    ),
  },
  {
    path: '/account/two-factor',
    element: scoped(() =>
      import('./pages/account/AccountStepPage').then((m) => ({ default: () => <m.default step="totp" /> })),
    ),
  },
  ...publicRoutes,
  ...welderRoutes,
  ...inspectorRoutes,
  {
    path: '/console',
    element: guarded(REGULATOR_ROLES, consoleLayout),
    children: [{ index: true, element: <Navigate to="overview" replace /> }, ...regulatorRoutes],
  },
  {
    path: '/workspace',
    element: guarded(ENTERPRISE_ROLES, consoleLayout),
    children: [{ index: true, element: <Navigate to="overview" replace /> }, ...enterpriseRoutes],
  },
  // The printable 动火安全作业票 (A4, no layout); its QR code carries this link. The server decides who may read it.
  {
    path: '/permits/:id/print',
    element: guarded(
      [...STAFF_ROLES, 'welder'],
      scoped(() => import('./pages/shared/PermitPrintPage')),
    ),
  },
  { path: '/', element: <HomeRedirect /> },
  { path: '*', element: scoped(() => import('./pages/NotFoundPage')) },
];

export { STAFF_ROLES };
