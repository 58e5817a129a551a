// The phone pages' own small UI kit (public scan, welder app): plain React and phone.css, no antd, so
// that a phone on a slow network loads a page of under 150 KB of compressed JavaScript
// (issue 14 §5, e2e/shell.test.mjs). The console keeps antd.
import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { setLang, type Lang } from '../../i18n';
import { errorText } from '../../i18n/errors';
import { Icon, type IconName } from './icons';
import './phone.css';

type Tone = 'success' | 'info' | 'warning' | 'error';

export function Card({
  title,
  extra,
  children,
  testId,
  compact,
}: {
  title?: ReactNode;
  extra?: ReactNode;
  children: ReactNode;
  testId?: string;
  compact?: boolean;
}) {
  return (
    <section className={compact ? 'k-card k-card-compact' : 'k-card'} data-testid={testId}>
      {(title || extra) && (
        <header className="k-card-head">
          <h2>{title}</h2>
          {extra}
        </header>
      )}
      <div className="k-card-body">{children}</div>
    </section>
  );
}

const TONE_ICON: Record<Tone, IconName> = { success: 'check', info: 'info', warning: 'warn', error: 'close' };

export function Alert({
  tone,
  children,
  description,
  testId,
}: {
  tone: Tone;
  children: ReactNode;
  description?: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`k-alert k-${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid={testId}>
      <Icon name={TONE_ICON[tone]} />
      <div>
        <div className="k-alert-title">{children}</div>
        {description && <div className="k-alert-text">{description}</div>}
      </div>
    </div>
  );
}

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & {
  kind?: 'primary' | 'default' | 'danger';
  block?: boolean;
  large?: boolean;
  loading?: boolean;
  icon?: IconName;
  testId?: string;
};

export function Button({ kind = 'default', block, large, loading, icon, testId, children, ...rest }: ButtonProps) {
  const cls = ['k-btn', `k-btn-${kind}`, block && 'k-block', large && 'k-large'].filter(Boolean).join(' ');
  return (
    <button
      type="button"
      className={cls}
      data-testid={testId}
      {...rest}
      disabled={rest.disabled || loading}
      aria-busy={loading || undefined}
    >
      {loading ? <span className="k-spinner" aria-hidden="true" /> : icon && <Icon name={icon} />}
      <span>{children}</span>
    </button>
  );
}

export function Tag({ tone, children, testId }: { tone?: Tone | 'neutral'; children: ReactNode; testId?: string }) {
  return (
    <span className={`k-tag k-${tone ?? 'neutral'}`} data-testid={testId}>
      {children}
    </span>
  );
}

export function Skeleton({ rows = 3, testId }: { rows?: number; testId?: string }) {
  const { t } = useTranslation();
  return (
    <div className="k-skeleton" role="status" aria-label={t('app.loading')} data-testid={testId}>
      {Array.from({ length: rows }, (_, i) => (
        <span key={i} style={{ width: `${i === rows - 1 ? 60 : 100}%` }} />
      ))}
    </div>
  );
}

export function Result({
  tone,
  icon,
  title,
  subTitle,
  extra,
  testId,
}: {
  tone: Tone;
  icon?: IconName;
  title: ReactNode;
  subTitle?: ReactNode;
  extra?: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`k-result k-${tone}`} data-testid={testId}>
      <Icon name={icon ?? TONE_ICON[tone]} className="k-result-icon" />
      <div className="k-result-title">{title}</div>
      {subTitle && <div className="k-result-sub">{subTitle}</div>}
      {extra && <div className="k-result-extra">{extra}</div>}
    </div>
  );
}

/** Label and value rows (a definition list). */
export function Fields({ rows, bordered }: { rows: [ReactNode, ReactNode][]; bordered?: boolean }) {
  return (
    <dl className={bordered ? 'k-fields k-bordered' : 'k-fields'}>
      {rows.map(([label, value], i) => (
        <div key={i}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="k-empty">{children}</div>;
}

/** A failed load in the user's language, with a retry button. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const tone = error instanceof ApiError && (error.status === 404 || error.status === 403) ? 'warning' : 'error';
  return (
    <Result
      tone={tone}
      title={t('common.loadFailed')}
      subTitle={errorText(t, error)}
      extra={
        onRetry && (
          <Button kind="primary" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )
      }
    />
  );
}

/** 中文 / EN, as on the console (same test id), without antd's Segmented. */
export function LanguageSwitch() {
  const { i18n } = useTranslation();
  const current: Lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const options: [Lang, string][] = [
    ['zh-CN', '中文'],
    ['en', 'EN'],
  ];
  return (
    <span className="k-lang" data-testid="lang-switch" role="group">
      {options.map(([value, label]) => (
        <button
          key={value}
          type="button"
          className={value === current ? 'k-on' : undefined}
          aria-pressed={value === current}
          onClick={() => setLang(value)}
        >
          {label}
        </button>
      ))}
    </span>
  );
}

export { Icon };
