import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
// The app's own styles come with the first page, so no stylesheet blocks the first paint (index.html).
import '../styles.css';

const THEME = { token: { colorPrimary: '#1f5fbf', borderRadius: 6 } };

/**
 * antd's theme, locale and toast host. Loaded with each page (see routes.tsx), never by the entry,
 * so the first paint waits for React and the router only.
 */
export default function AntdScope({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={THEME}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
