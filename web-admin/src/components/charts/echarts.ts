// ECharts with only what the pages draw: bar, line and pie charts (pie: hazard statistics), with tooltip and legend, on
// canvas. A page that needs another chart type registers it here (the full build is ~1 MB).
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
