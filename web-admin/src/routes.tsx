// The whole URL map. Three areas:
//  1. public pages  – no login, no layout (scan a QR code, 一键举报)          → publicRoutes
//  2. welder pages  – phone-first, logged-in welders, their own layout (/w)   → welderRoutes
//  3. staff console – regulators (/console) and enterprises (/workspace) inside AppLayout
// Public and welder pages are owned by pages/public/** and pages/welder/**: add them to the two arrays below.
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Navigate, type RouteObject } from 'react-router-dom';
import { RequireRole } from './auth/RequireRole';
import { ENTERPRISE_ROLES, REGULATOR_ROLES, STAFF_ROLES, homeFor, useSession, type Role } from './auth/session';
import { AppLayout } from './shell/AppLayout';
import { PageLoading } from './components/states';
import LoginPage from './pages/LoginPage';
import NotFoundPage from './pages/NotFoundPage';

/** Lazily loaded page, so the phone pages do not download the whole console. */
function page(load: () => Promise<{ default: ComponentType }>): ReactNode {
  const Page = lazy(load);
  return (
    <Suspense fallback={<PageLoading />}>
      <Page />
    </Suspense>
  );
}

function guarded(roles: Role[], node: ReactNode): ReactNode {
  return <RequireRole roles={roles}>{node}</RequireRole>;
}

function HomeRedirect() {
  const { user } = useSession();
  return <Navigate to={user ? homeFor(user.role) : '/login'} replace />;
}

// ---- 1. Public pages (no login, no layout). Owner: pages/public/**. -------------------------------
export const publicRoutes: RouteObject[] = [
  { path: '/q/:code', element: page(() => import('./pages/public/ScanPage')) },
  { path: '/report', element: page(() => import('./pages/public/ReportPage')) },
  { path: '/report/status', element: page(() => import('./pages/public/ReportStatusPage')) },
];

// ---- 2. Welder pages (login as welder, own phone layout). Owner: pages/welder/**. -----------------
// Wrap elements with guarded(['welder'], ...) so only welders reach them.
export const welderRoutes: RouteObject[] = [
  {
    path: '/w',
    element: guarded(
      ['welder'],
      page(() => import('./pages/welder/WelderLayout')),
    ),
    children: [
      { index: true, element: page(() => import('./pages/welder/BadgePage')) },
      { path: 'start', element: page(() => import('./pages/welder/StartPage')) },
      { path: 'certificates', element: page(() => import('./pages/welder/CertificatesPage')) },
    ],
  },
];

// ---- 3. Staff console ----------------------------------------------------------------------------
const regulatorRoutes: RouteObject[] = [
  { path: 'overview', element: page(() => import('./pages/console/OverviewPage')) },
  { path: 'alerts', element: page(() => import('./pages/console/AlertsPage')) },
  { path: 'reports', element: page(() => import('./pages/reports/ReportsPage')) },
  { path: 'off-platform', element: page(() => import('./pages/console/OffPlatformPage')) },
  { path: 'ledgers/enterprises', element: page(() => import('./pages/console/EnterprisesLedgerPage')) },
  { path: 'ledgers/machines', element: page(() => import('./pages/console/MachinesLedgerPage')) },
  { path: 'ledgers/welders', element: page(() => import('./pages/console/WeldersLedgerPage')) },
  { path: 'certificates/verification', element: page(() => import('./pages/console/CertificateVerificationPage')) },
  { path: 'permits', element: page(() => import('./pages/shared/PermitsPage')) },
  { path: 'audit', element: page(() => import('./pages/console/AuditPage')) },
  { path: 'blackouts', element: page(() => import('./pages/console/BlackoutsPage')) },
  { path: 'permit-rules', element: page(() => import('./pages/console/PermitRulesPage')) },
];

const enterpriseRoutes: RouteObject[] = [
  { path: 'overview', element: page(() => import('./pages/console/OverviewPage')) },
  { path: 'machines', element: page(() => import('./pages/workspace/MachinesPage')) },
  { path: 'welders', element: page(() => import('./pages/workspace/WeldersPage')) },
  { path: 'import', element: page(() => import('./pages/workspace/ImportPage')) },
  { path: 'permits', element: page(() => import('./pages/shared/PermitsPage')) },
  { path: 'alerts', element: page(() => import('./pages/console/AlertsPage')) },
];

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  ...publicRoutes,
  ...welderRoutes,
  {
    path: '/console',
    element: guarded(REGULATOR_ROLES, <AppLayout />),
    children: [{ index: true, element: <Navigate to="overview" replace /> }, ...regulatorRoutes],
  },
  {
    path: '/workspace',
    element: guarded(ENTERPRISE_ROLES, <AppLayout />),
    children: [{ index: true, element: <Navigate to="overview" replace /> }, ...enterpriseRoutes],
  },
  { path: '/', element: <HomeRedirect /> },
  { path: '*', element: <NotFoundPage /> },
];

export { STAFF_ROLES };
