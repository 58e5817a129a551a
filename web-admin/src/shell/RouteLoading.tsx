import { useTranslation } from 'react-i18next';

/** What shows while a page's code loads: plain HTML, styled inline in index.html, so it paints before antd arrives. */
export function RouteLoading() {
  const { t } = useTranslation();
  return (
    <div className="route-loading" role="status" data-testid="page-loading">
      <span className="route-loading-spinner" aria-hidden="true" />
      <span>{t('app.loading')}</span>
    </div>
  );
}
