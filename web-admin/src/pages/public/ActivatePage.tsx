import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import { errorText, fieldErrorText } from '../../i18n/errors';
import { Alert, Button, Card, Result } from '../../shell/phone/kit';
import { PublicLayout } from './PublicLayout';

type Sent = components['schemas']['ActivationSentView'];
type Activated = components['schemas']['ActivatedView'];

/** One labelled input of the phone form, with the server's field error under it. */
function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <label className="k-stack" style={{ gap: 4 }}>
      <span>{label}</span>
      {children}
      {hint && !error && <span className="k-muted">{hint}</span>}
      {error && (
        <span role="alert" style={{ color: '#cf1322' }}>
          {error}
        </span>
      )}
    </label>
  );
}

/**
 * /activate: a welder of the registry opens their own account on the phone (issue 16 §1). ID number,
 * certificate number and mobile must match the registry; a code goes to that mobile; then the welder
 * chooses the user name and password. No antd (shell/phone/kit.tsx): it is a phone page.
 */
export default function ActivatePage() {
  const { t } = useTranslation();
  const [idNumber, setIdNumber] = useState('');
  const [certificateNumber, setCertificateNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [sent, setSent] = useState<Sent | null>(null);
  const [wait, setWait] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [done, setDone] = useState<Activated | null>(null);

  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  const fail = (e: unknown) => {
    const byField: Record<string, string> = {};
    if (e instanceof ApiError) for (const f of e.fields) byField[f.field] ??= fieldErrorText(t, f);
    setFields(byField);
    setError(e instanceof ApiError && e.code === 'TOO_MANY_REQUESTS' ? t('public.tooMany') : errorText(t, e));
  };

  const send = async () => {
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const res = await apiFetch<Sent>('/api/public/welder-activation', {
        method: 'POST',
        anonymous: true,
        body: {
          idNumber: idNumber.trim().toUpperCase(),
          certificateNumber: certificateNumber.trim().toUpperCase(),
          phone: phone.trim(),
        },
      });
      setSent(res);
      setWait(res.resendAfterSeconds);
    } catch (e) {
      fail(e);
      const retry =
        e instanceof ApiError ? Number((e.details as { retryAfterSeconds?: number })?.retryAfterSeconds) : 0;
      if (retry > 0) setWait(retry);
    } finally {
      setBusy(false);
    }
  };

  const complete = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!sent) return;
    if (password !== password2) {
      setFields({ password2: t('register.passwordsDiffer') });
      return;
    }
    setBusy(true);
    setError(null);
    setFields({});
    try {
      setDone(
        await apiFetch<Activated>('/api/public/welder-activation/complete', {
          method: 'POST',
          anonymous: true,
          body: { activationId: sent.activationId, code: code.trim(), username: username.trim(), password },
        }),
      );
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <PublicLayout>
        <Card testId="activate-done">
          <Result
            tone="success"
            title={t('activate.doneTitle')}
            subTitle={t('activate.doneText', { username: done.username })}
            extra={
              <Link to="/login" className="k-btn k-btn-primary k-block" data-testid="activate-login">
                {t('activate.toLogin')}
              </Link>
            }
          />
        </Card>
      </PublicLayout>
    );

  return (
    <PublicLayout>
      <Card title={t('activate.title')} testId="activate-form">
        <form className="k-stack" onSubmit={(e) => void complete(e)}>
          <p className="k-muted">{t('activate.intro')}</p>
          {error && (
            <Alert tone="error" testId="activate-error">
              {error}
            </Alert>
          )}
          <Field label={t('activate.idNumber')} error={fields.idNumber}>
            <input
              className="k-input"
              value={idNumber}
              maxLength={18}
              autoComplete="off"
              onChange={(e) => setIdNumber(e.target.value)}
              data-testid="activate-id"
            />
          </Field>
          <Field
            label={t('activate.certificateNumber')}
            hint={t('activate.certificateHint')}
            error={fields.certificateNumber}
          >
            <input
              className="k-input"
              value={certificateNumber}
              maxLength={19}
              autoComplete="off"
              onChange={(e) => setCertificateNumber(e.target.value)}
              data-testid="activate-cert"
            />
          </Field>
          <Field label={t('activate.phone')} error={fields.phone}>
            <input
              className="k-input"
              value={phone}
              inputMode="tel"
              maxLength={11}
              onChange={(e) => setPhone(e.target.value)}
              data-testid="activate-phone"
            />
          </Field>
          <Button
            kind={sent ? 'default' : 'primary'}
            block
            loading={busy && !sent}
            disabled={wait > 0 || !idNumber || !certificateNumber || !phone}
            onClick={() => void send()}
            testId="activate-send"
          >
            {wait > 0 ? t('activate.resendIn', { s: wait }) : sent ? t('activate.resend') : t('activate.sendCode')}
          </Button>
          {sent && (
            <>
              <Alert tone="info" testId="activate-sent">
                {t('activate.sentTo', { phone: sent.phoneMasked })}
              </Alert>
              <Field label={t('activate.code')} error={fields.code}>
                <input
                  className="k-input m-code"
                  value={code}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  onChange={(e) => setCode(e.target.value)}
                  data-testid="activate-code"
                />
              </Field>
              <Field label={t('activate.username')} hint={t('register.usernameInvalid')} error={fields.username}>
                <input
                  className="k-input"
                  value={username}
                  autoComplete="username"
                  onChange={(e) => setUsername(e.target.value)}
                  data-testid="activate-username"
                />
              </Field>
              <Field label={t('activate.password')} hint={t('accounts.passwordHint')} error={fields.password}>
                <input
                  className="k-input"
                  type="password"
                  value={password}
                  autoComplete="new-password"
                  onChange={(e) => setPassword(e.target.value)}
                  data-testid="activate-password"
                />
              </Field>
              <Field label={t('activate.passwordAgain')} error={fields.password2}>
                <input
                  className="k-input"
                  type="password"
                  value={password2}
                  autoComplete="new-password"
                  onChange={(e) => setPassword2(e.target.value)}
                  data-testid="activate-password2"
                />
              </Field>
              <button
                type="submit"
                className="k-btn k-btn-primary k-block k-large"
                disabled={busy || code.length !== 6 || !username || !password}
                data-testid="activate-submit"
              >
                <span>{t('activate.submit')}</span>
              </button>
            </>
          )}
        </form>
      </Card>
    </PublicLayout>
  );
}
