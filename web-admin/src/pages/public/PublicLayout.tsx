import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { LanguageSwitch } from '../../shell/phone/kit';
import './mobile.css';

/** Frame of the pages anyone opens from a QR code: no log-in, one column, no antd of its own. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="m-page k-root">
      <header className="m-header">
        <span className="m-brand">{t('public.brand')}</span>
        <LanguageSwitch />
      </header>
      <main className="m-body">{children}</main>
      <footer className="m-footer">
        {t('public.footer')} · <Link to="/report/status">{t('public.statusLink')}</Link>
      </footer>
    </div>
  );
}
