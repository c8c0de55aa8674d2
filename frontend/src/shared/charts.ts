import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import VChart from 'vue-echarts'

/**
 * The charts of both apps (the station's dashboard, the console's
 * statistics): ECharts with only the pieces they draw, and one look.
 * Import VChart from here, so the pieces are registered once.
 */
use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer])

export { VChart }

/** CHART_PALETTE colours series in this order: the theme's blue, green, amber, red first. */
export const CHART_PALETTE = ['#1f5fb4', '#2f9a5a', '#e08a1e', '#c8372d', '#7a4fb4', '#1b9aaa', '#8a6d3b', '#5b6878', '#d65db1', '#4caf50', '#ff7043']

/** CHART_FONT is the fonts chart text uses: the Chinese UI fonts of Linux and Windows. */
export const CHART_FONT = 'Noto Sans CJK SC, Microsoft YaHei, sans-serif'
