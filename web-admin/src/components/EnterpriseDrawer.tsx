import { Descriptions, Drawer } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EnterpriseView } from '../api/types';
import { useApi } from '../hooks/useApi';
import { ErrorState, InlineLoading } from './states';
import { EnumTag } from './tags';

/** An enterprise at a glance (masked phone), opened from a list that names it. */
export function EnterpriseDrawer({ enterpriseId, onClose }: { enterpriseId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const {
    data: e,
    error,
    loading,
    reload,
  } = useApi<EnterpriseView>(enterpriseId ? `/api/enterprises/${enterpriseId}` : null);
  return (
    <Drawer
      open={!!enterpriseId}
      onClose={onClose}
      title={e?.name ?? t('offPlatform.enterprise.title')}
      width={Math.min(560, window.innerWidth)}
      data-testid="enterprise-drawer"
    >
      {loading && !e ? (
        <InlineLoading />
      ) : error && !e ? (
        <ErrorState error={error} onRetry={reload} />
      ) : e ? (
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t('offPlatform.enterprise.uscc')}>{e.uscc}</Descriptions.Item>
          <Descriptions.Item label={t('offPlatform.industry')}>{e.industry}</Descriptions.Item>
          <Descriptions.Item label={t('offPlatform.col.address')}>{e.address}</Descriptions.Item>
          <Descriptions.Item label={t('offPlatform.enterprise.principal')}>{e.principalName}</Descriptions.Item>
          <Descriptions.Item label={t('offPlatform.enterprise.phone')}>{e.principalPhoneMasked}</Descriptions.Item>
          <Descriptions.Item label={t('offPlatform.enterprise.status')}>
            <EnumTag kind="enterpriseStatus" value={e.status} />
          </Descriptions.Item>
          <Descriptions.Item label={t('offPlatform.enterprise.machineCount')}>{e.machineCount}</Descriptions.Item>
          <Descriptions.Item label={t('offPlatform.enterprise.welderCount')}>{e.welderCount}</Descriptions.Item>
        </Descriptions>
      ) : null}
    </Drawer>
  );
}
