import EChartsReactCore from 'echarts-for-react/esm/core';
import type { CSSProperties } from 'react';
import { echarts } from './echarts';

export interface EChartProps {
  /** An ECharts option; its series types must be registered in ./echarts.ts. */
  option: object;
  style?: CSSProperties;
  notMerge?: boolean;
  /** ECharts event handlers by event name (e.g. `click` on a bar to open the filtered list). */
  onEvents?: Record<string, (params: never) => void>;
}

export default function EChart(props: EChartProps) {
  return <EChartsReactCore echarts={echarts} {...props} />;
}
