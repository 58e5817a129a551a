import { GiftOutlined } from '@ant-design/icons';
import { Alert, Button, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { apiFetch, type Paginated } from '../../api/client';
import { useSession } from '../../auth/session';
import { useApi, useErrorReporter } from '../../hooks/useApi';
import { REWARD_STATE_COLOUR, rewardPath, type RewardView } from './rewardsApi';

/** A confirmed report's reward in the report drawer: its state and a link, or the button that proposes it. */
export function ReportReward({ reportId }: { reportId: string }) {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const report = useErrorReporter();
  const rewards = useApi<Paginated<RewardView>>('/api/rewards', { query: { reportId } });
  const [busy, setBusy] = useState(false);
  const reward = rewards.data?.items[0];

  const propose = async () => {
    setBusy(true);
    try {
      await apiFetch<RewardView>('/api/rewards', { method: 'POST', body: { reportId } });
      rewards.reload();
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };

  if (rewards.loading && !rewards.data) return null;
  return (
    <Alert
      type={reward ? 'success' : 'warning'}
      showIcon
      icon={<GiftOutlined />}
      data-testid="report-reward"
      message={
        reward ? (
          <Space wrap>
            {t('rewards.ofReport')}
            <Tag color={REWARD_STATE_COLOUR[reward.state]} data-testid="report-reward-state">
              {t(`rewardState.${reward.state}`)}
            </Tag>
            {t('rewards.yuan', { amount: reward.amountYuan.toLocaleString(i18n.language) })}
            <Link to={rewardPath(reward.id)} data-testid="report-reward-link">
              {t('rewards.openReward')}
            </Link>
          </Space>
        ) : (
          t('rewards.noneYet')
        )
      }
      action={
        !reward && user?.role === 'regulator' ? (
          <Button
            size="small"
            type="primary"
            loading={busy}
            onClick={() => void propose()}
            data-testid="report-reward-propose"
          >
            {t('rewards.propose')}
          </Button>
        ) : undefined
      }
    />
  );
}
