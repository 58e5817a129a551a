import { useTranslation } from 'react-i18next';
import { Outlet, useNavigate } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { Icon, LanguageSwitch } from '../../shell/phone/kit';
import '../public/mobile.css';
import './inspector.css';

/** The inspector's phone app (五现场): header and page. Plain React (shell/phone/kit.tsx), no antd. */
export default function InspectorLayout() {
  const { t } = useTranslation();
  const { user, logout } = useSession();
  const navigate = useNavigate();
  return (
    <div className="m-page k-root">
      <header className="m-header">
        <span className="m-brand">
          {t('inspector.title')} · {user?.displayName}
        </span>
        <span style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <LanguageSwitch />
          <button
            type="button"
            className="m-icon-btn"
            aria-label={t('app.logout')}
            title={t('app.logout')}
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
    </div>
  );
}
