import { lazy, Suspense } from 'react';
import type { EChartProps } from './EChart';

const EChart = lazy(() => import('./EChart'));

/** A chart whose code (ECharts) loads after the page around it has painted. */
export default function LazyEChart(props: EChartProps) {
  return (
    <Suspense fallback={<div style={{ height: props.style?.height }} data-testid="chart-loading" />}>
      <EChart {...props} />
    </Suspense>
  );
}
