import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AlertView } from '../api/types';
import { fmtTime } from './format';

const { Text } = Typography;

/** Two lines in one cell: the main fact and a quieter detail under it. */
function Lines({ main, sub, testId }: { main: React.ReactNode; sub?: React.ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <div>{main}</div>
      {sub ? (
        <Text type="secondary" style={{ fontSize: 12 }}>
          {sub}
        </Text>
      ) : null}
    </div>
  );
}

export function WhoCell({ a }: { a: AlertView }) {
  const { t } = useTranslation();
  return (
    <Lines
      testId="alert-who"
      main={a.enterpriseName ?? <Text type="warning">{t('alerts.unknownEnterprise')}</Text>}
      sub={a.townshipName ?? undefined}
    />
  );
}

export function MachineCell({ a }: { a: AlertView }) {
  const { t } = useTranslation();
  if (a.machineId && !a.machineName) return <Text type="secondary">—</Text>;
  if (!a.machineName) {
    return a.chipId ? (
      <Lines main={<Text type="secondary">{t('alerts.noMachine')}</Text>} sub={`${t('timeline.chip')} ${a.chipId}`} />
    ) : (
      <Text type="secondary">{t('alerts.noMachine')}</Text>
    );
  }
  return <Lines testId="alert-machine" main={a.machineName} sub={a.machineCode ?? undefined} />;
}

export function WelderCell({ a }: { a: AlertView }) {
  const { t } = useTranslation();
  if (a.welderId && !a.welderName) return <Text type="secondary">—</Text>;
  if (!a.welderName) return <Text type="secondary">{t('alerts.noWelder')}</Text>;
  return <Lines testId="alert-welder" main={a.welderName} sub={a.welderIdMasked ?? undefined} />;
}

/** Where: the permit's site (with its work) or the enterprise's address, else the coordinates. */
export function PlaceCell({ a }: { a: AlertView }) {
  const { t } = useTranslation();
  const coords =
    a.placeLatitude !== null && a.placeLongitude !== null
      ? t('alerts.coordinates', { lat: a.placeLatitude, lon: a.placeLongitude })
      : null;
  const where = a.placeAddress ?? coords;
  const permit = a.permitWork
    ? t('alerts.permitLine', { work: a.permitWork, start: fmtTime(a.permitStart) })
    : a.placeSource === 'enterprise'
      ? t('alerts.placeFromEnterprise')
      : undefined;
  if (!where) return <Text type="secondary">—</Text>;
  return <Lines testId="alert-place" main={where} sub={permit} />;
}

export function OccurrencesCell({ a }: { a: AlertView }) {
  const { t } = useTranslation();
  return (
    <Lines
      testId="alert-count"
      main={t('alerts.occurrencesShort', { count: a.count })}
      sub={
        a.count > 1 ? (
          <>
            {t('alerts.firstAt', { time: fmtTime(a.firstSeenAt) })}
            <br />
            {t('alerts.lastAt', { time: fmtTime(a.lastSeenAt) })}
          </>
        ) : (
          fmtTime(a.lastSeenAt)
        )
      }
    />
  );
}
