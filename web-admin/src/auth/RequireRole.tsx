import { Navigate, useLocation } from 'react-router-dom';
import type { ReactNode } from 'react';
import { homeFor, restrictionPath, useSession, type Role } from './session';

/**
 * Route guard: not logged in → /login (remembering where to come back); a restricted session (forced
 * password change, TOTP enrolment) → that step first; wrong role → own home.
 */
export function RequireRole({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { user, restriction } = useSession();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  const step = restrictionPath(restriction);
  if (step) return <Navigate to={step} replace />;
  if (roles && !roles.includes(user.role)) return <Navigate to={homeFor(user.role)} replace />;
  return <>{children}</>;
}
