import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { Icon, LanguageSwitch } from '../../shell/phone/kit';
import '../public/mobile.css';

/** The welder's phone app: header, page, bottom tab bar. Plain React (shell/phone/kit.tsx), no antd. */
export default function WelderLayout() {
  const { t } = useTranslation();
  const { user, logout } = useSession();
  const navigate = useNavigate();
  const tab = ({ isActive }: { isActive: boolean }) => (isActive ? 'active' : '');
  return (
    <div className="m-page k-root">
      <header className="m-header">
        <span className="m-brand">
          {t('welder.title')} · {user?.displayName}
        </span>
        <span style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <LanguageSwitch />
          <button
            type="button"
            className="m-icon-btn"
            aria-label={t('app.logout')}
            title={t('app.logout')}
            data-testid="welder-logout"
            onClick={() => {
              logout();
              void navigate('/login', { replace: true });
            }}
          >
            <Icon name="logout" />
          </button>
        </span>
      </header>
      <main className="m-body">
        <Outlet />
      </main>
      <nav className="m-tabbar">
        <NavLink to="/w" end className={tab} data-testid="tab-badge">
          <Icon name="badge" />
          {t('welder.tabs.badge')}
        </NavLink>
        <NavLink to="/w/start" className={tab} data-testid="tab-start">
          <Icon name="power" />
          {t('welder.tabs.start')}
        </NavLink>
        <NavLink to="/w/certificates" className={tab} data-testid="tab-certificates">
          <Icon name="certificate" />
          {t('welder.tabs.certificates')}
        </NavLink>
      </nav>
    </div>
  );
}
