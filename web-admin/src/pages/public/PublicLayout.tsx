import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { LanguageSwitch } from '../../shell/LanguageSwitch';
import './mobile.css';

/** Frame of the pages anyone opens from a QR code: no log-in, one column. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="m-page">
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
