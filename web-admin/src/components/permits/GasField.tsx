import { AutoComplete, Form, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { GasCatalogue, GasCatalogueItem } from '../../api/types';
import { useApi } from '../../hooks/useApi';

const norm = (s: string) => s.normalize('NFKC').trim().toLowerCase();

/** The catalogue gas a typed or picked name means (zh, en, code or alias), if any. */
export function catalogueGasNamed(
  catalogue: GasCatalogue | undefined,
  name: string | undefined,
): GasCatalogueItem | undefined {
  if (!catalogue || !name?.trim()) return undefined;
  const n = norm(name);
  return catalogue.items.find((g) => [g.code, g.zh, g.en, ...g.aliases].some((x) => norm(x) === n));
}

/** The request fields for the gas: the catalogue code when the name is a catalogue gas, else the text (judged at 0.2 %). */
export function gasRequestFields(
  catalogue: GasCatalogue | undefined,
  name: string | undefined,
): { gasCode: string } | { gas: string } {
  const g = catalogueGasNamed(catalogue, name);
  return g ? { gasCode: g.code } : { gas: (name ?? '').trim() };
}

/**
 * The gas of an analysis: search the catalogue (the gas's LEL sets the pass mark) or type another
 * name, which the server judges at the stricter 0.2 % vol. The mark that will apply is shown as you type.
 */
export function GasField({ catalogue }: { catalogue: GasCatalogue | undefined }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const name = Form.useWatch<string | undefined>('gas');
  const picked = catalogueGasNamed(catalogue, name);
  const label = (g: GasCatalogueItem) => (en ? g.en : g.zh);
  const options = (catalogue?.items ?? []).map((g) => ({
    value: label(g),
    label: (
      <span>
        {label(g)}{' '}
        <Typography.Text type="secondary">
          · {t('permits.gasOptionHint', { lel: g.lelPercent, mark: g.passMarkPercentVol })}
        </Typography.Text>
      </span>
    ),
    search: [g.zh, g.en, g.code, ...g.aliases].join(' ').toLowerCase(),
  }));
  const hint = !name?.trim()
    ? t('permits.gasPickHint')
    : picked
      ? t('permits.gasCatalogueMark', { name: label(picked), lel: picked.lelPercent, mark: picked.passMarkPercentVol })
      : t('permits.gasFreeTextMark', { mark: catalogue?.freeText.passMarkPercentVol ?? 0.2 });
  return (
    <Form.Item
      name="gas"
      label={t('permits.gasName')}
      rules={[{ required: true, whitespace: true }]}
      extra={<span data-testid="gas-pass-mark">{hint}</span>}
    >
      <AutoComplete
        options={options}
        maxLength={50}
        placeholder={t('permits.gasPlaceholder')}
        filterOption={(input, option) => !!option && option.search.includes(input.trim().toLowerCase())}
        data-testid="gas-select"
      />
    </Form.Item>
  );
}

/** Loads the catalogue once for the gas-analysis form. */
export function useGasCatalogue(enabled: boolean) {
  return useApi<GasCatalogue>(enabled ? '/api/gas-catalogue' : null).data;
}
