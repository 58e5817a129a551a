import { IdcardOutlined, LogoutOutlined, PoweroffOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { LanguageSwitch } from '../../shell/LanguageSwitch';
import '../public/mobile.css';

/** The welder's phone app: header, page, bottom tab bar. */
export default function WelderLayout() {
  const { t } = useTranslation();
  const { user, logout } = useSession();
  const navigate = useNavigate();
  const tab = ({ isActive }: { isActive: boolean }) => (isActive ? 'active' : '');
  return (
    <div className="m-page">
      <header className="m-header">
        <span className="m-brand">
          {t('welder.title')} · {user?.displayName}
        </span>
        <span style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <LanguageSwitch />
          <Button
            size="small"
            icon={<LogoutOutlined />}
            aria-label={t('app.logout')}
            data-testid="welder-logout"
            onClick={() => {
              logout();
              void navigate('/login', { replace: true });
            }}
          />
        </span>
      </header>
      <main className="m-body">
        <Outlet />
      </main>
      <nav className="m-tabbar">
        <NavLink to="/w" end className={tab} data-testid="tab-badge">
          <IdcardOutlined />
          {t('welder.tabs.badge')}
        </NavLink>
        <NavLink to="/w/start" className={tab} data-testid="tab-start">
          <PoweroffOutlined />
          {t('welder.tabs.start')}
        </NavLink>
        <NavLink to="/w/certificates" className={tab} data-testid="tab-certificates">
          <SafetyCertificateOutlined />
          {t('welder.tabs.certificates')}
        </NavLink>
      </nav>
    </div>
  );
}
