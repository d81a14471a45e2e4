/**
 * The breakdown bar chart. Loaded lazily (React.lazy in kpi.page.tsx), so ECharts — only the bar chart,
 * grid, tooltip, mark line and zoom it needs — lives in its own chunk and costs nothing until a dashboard opens.
 */
import { BarChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useMemo } from 'react';
import { shortUnitName, type BarDatum } from '../kpi.logic';

echarts.use([BarChart, GridComponent, TooltipComponent, MarkLineComponent, DataZoomComponent, CanvasRenderer]);

const PRIMARY = '#0b7285';
const MET = '#2b8a3e';
const MISSED = '#e8590c';
const EMPTY = '#ced4da';

export interface KpiChartProps {
  bars: BarDatum[];
  /** 0–1 or null. */
  target: number | null;
  /** Texts in the UI language. */
  labels: { rate: string; target: string; fraction: (n: number | null, d: number | null) => string; noData: string };
  /** Click on a bar: open that unit (when allowed). */
  onSelect?: (bar: BarDatum) => void;
  height?: number;
}

export default function KpiChart({ bars, target, labels, onSelect, height = 320 }: KpiChartProps) {
  const option = useMemo(() => {
    const many = bars.length > 16;
    return {
      animationDuration: 300,
      grid: { left: 48, right: 24, top: 28, bottom: many ? 96 : bars.length > 10 ? 72 : 36, containLabel: false },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: { dataIndex: number }[]) => {
          const b = bars[params[0]?.dataIndex ?? 0];
          if (!b) return '';
          const rate = b.rate === null ? labels.noData : `${(b.rate * 100).toFixed(1)}%`;
          return `<strong>${escapeHtml(b.name)}</strong><br/>${labels.rate}: ${rate}<br/>${labels.fraction(b.numerator, b.denominator)}`;
        },
      },
      xAxis: {
        type: 'category',
        data: bars.map((b) => shortUnitName(b.name)),
        axisLabel: {
          interval: 0,
          rotate: bars.length > 10 ? 35 : 0,
          fontSize: 11,
          width: bars.length > 10 ? 90 : 110,
          overflow: 'truncate',
        },
        axisTick: { alignWithLabel: true },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 100,
        axisLabel: { formatter: '{value}%', fontSize: 11 },
        splitLine: { lineStyle: { color: '#eef1f4' } },
      },
      dataZoom: many ? [{ type: 'slider', height: 14, bottom: 8, startValue: 0, endValue: 15 }] : [],
      series: [
        {
          type: 'bar',
          barMaxWidth: 36,
          data: bars.map((b) => ({
            value: b.rate === null ? 0 : Math.round(b.rate * 1000) / 10,
            itemStyle: {
              color: b.rate === null ? EMPTY : target === null ? PRIMARY : b.rate >= target ? MET : MISSED,
              borderRadius: [3, 3, 0, 0],
            },
          })),
          label: { show: bars.length <= 16, position: 'top', fontSize: 11, formatter: '{c}%' },
          markLine:
            target === null
              ? undefined
              : {
                  symbol: 'none',
                  silent: true,
                  lineStyle: { color: '#c92a2a', type: 'dashed', width: 1.5 },
                  label: { formatter: `${labels.target} ${Math.round(target * 100)}%`, position: 'insideEndTop', color: '#c92a2a' },
                  data: [{ yAxis: target * 100 }],
                },
        },
      ],
    };
  }, [bars, target, labels]);

  return (
    <ReactEChartsCore
      echarts={echarts}
      option={option}
      notMerge
      style={{ height, width: '100%', cursor: onSelect ? 'pointer' : 'default' }}
      onEvents={onSelect ? { click: (p: { dataIndex: number }) => bars[p.dataIndex] && onSelect(bars[p.dataIndex]!) } : undefined}
    />
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
