// ECharts with only what the pages draw: bar and line charts on a grid, with tooltip and legend, on
// canvas. A page that needs another chart type registers it here (the full build is ~1 MB).
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
