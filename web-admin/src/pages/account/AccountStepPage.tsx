import { Alert, Card, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router-dom';
import { homeFor, restrictionPath, useSession, type Restriction } from '../../auth/session';
import { LanguageSwitch } from '../../shell/LanguageSwitch';
import { ChangePasswordForm } from './ChangePasswordForm';
import { TwoFactorSetup } from './TwoFactorSetup';

/**
 * What a restricted session must do before anything else, right after log-in: change a password someone
 * else set (/account/password), or set up TOTP where the deployment requires it (/account/two-factor).
 */
export default function AccountStepPage({ step }: { step: Exclude<Restriction, null> }) {
  const { t } = useTranslation();
  const { user, restriction, setRestriction } = useSession();
  const navigate = useNavigate();
  if (!user) return <Navigate to="/login" replace />;
  if (restriction !== step) return <Navigate to={restrictionPath(restriction) ?? homeFor(user.role)} replace />;
  const done = (next: Restriction) => {
    setRestriction(next);
    void navigate(restrictionPath(next) ?? homeFor(user.role), { replace: true });
  };
  return (
    <div className="login-bg">
      <Card style={{ width: 460, maxWidth: '100%' }}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {step === 'password' ? t('account.forcedTitle') : t('account.twoFactorSetupTitle')}
            </Typography.Title>
            <LanguageSwitch />
          </div>
          {step === 'password' ? (
            <>
              <Alert type="info" showIcon message={t('account.forcedHint')} data-testid="forced-change" />
              <ChangePasswordForm onChanged={(r) => done(r.mustEnrolTotp ? 'totp' : null)} />
            </>
          ) : (
            <>
              <Alert type="info" showIcon message={t('account.twoFactorRequired')} />
              <TwoFactorSetup onDone={() => done(null)} />
            </>
          )}
        </Space>
      </Card>
    </div>
  );
}
