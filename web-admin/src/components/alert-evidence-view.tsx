import { Button, Descriptions, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MachineView, PermitDetail, WelderDetailView } from '../api/types';
import { useApi } from '../hooks/useApi';
import { evidenceLines, type EvidenceLink } from './alert-evidence';
import { fmtTime } from './format';

export type OpenRecord = (link: EvidenceLink) => void;

const PATH: Record<EvidenceLink['kind'], string> = {
  machine: '/api/machines/',
  welder: '/api/welders/',
  permit: '/api/permits/',
};

/** How a record is named on screen: never by its id. */
export function recordName(kind: EvidenceLink['kind'], data: unknown): string | null {
  if (!data) return null;
  if (kind === 'machine') {
    const m = data as MachineView;
    return m.code ? `${m.name}（${m.code.code}）` : `${m.name}（${m.serialNumber}）`;
  }
  if (kind === 'welder') {
    const w = data as WelderDetailView;
    return `${w.realName}（${w.idNumberMasked}）`;
  }
  const p = data as PermitDetail;
  return `${p.site.address} · ${fmtTime(p.plannedStart)}`;
}

/** A linked machine, welder or permit by name; clicking opens its drawer. Unreadable ones say so, without the id. */
export function RecordLink({ link, onOpen }: { link: EvidenceLink; onOpen?: OpenRecord }) {
  const { t } = useTranslation();
  const state = useApi<unknown>(`${PATH[link.kind]}${link.id}`);
  const name = recordName(link.kind, state.data);
  if (!name)
    return <Typography.Text type="secondary">{state.loading ? '…' : t('records.value.notLoaded')}</Typography.Text>;
  if (!onOpen) return <>{name}</>;
  return (
    <Button
      type="link"
      size="small"
      style={{ padding: 0 }}
      onClick={() => onOpen(link)}
      data-testid={`link-${link.kind}`}
    >
      {name}
    </Button>
  );
}

/** An alert's evidence as a labelled list in the reader's language, linking the records it names. */
export function AlertEvidence({
  type,
  evidence,
  onOpen,
}: {
  type: string;
  evidence: Record<string, unknown>;
  onOpen?: OpenRecord;
}) {
  const { t } = useTranslation();
  const lines = evidenceLines(type, evidence, t);
  if (!lines.length) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      data-testid="alert-evidence"
      items={lines.map((l, i) => ({
        key: `${l.label}-${i}`,
        label: l.label,
        children: l.link ? <RecordLink link={l.link} onOpen={onOpen} /> : l.value,
      }))}
    />
  );
}
