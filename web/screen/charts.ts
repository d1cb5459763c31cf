/** The big screen's chart options: pure functions of the figures, in the board's dark palette. */
import type { EChartsOption } from '@shared/echarts';
import { rateOrGap, ratePct } from '@shared/format';
import type { StatsSummary } from '@shared/types';

type Group = StatsSummary['groups'][number];

const axisStyle = {
  axisLine: { lineStyle: { color: '#2b4a74' } },
  axisLabel: { color: '#8fb4e0' },
  splitLine: { lineStyle: { color: 'rgba(79,195,247,0.1)' } },
};

/** A ring gauge of one rate (0..1, or null for "no data"). */
export function gauge(name: string, value: number | null | undefined, color: string): EChartsOption {
  return {
    series: [
      {
        type: 'gauge',
        startAngle: 90,
        endAngle: -270,
        radius: '88%',
        pointer: { show: false },
        progress: { show: true, roundCap: true, width: 12, itemStyle: { color } },
        axisLine: { lineStyle: { width: 12, color: [[1, 'rgba(79,195,247,0.12)']] } },
        splitLine: { show: false },
        axisTick: { show: false },
        axisLabel: { show: false },
        title: { offsetCenter: [0, '32%'], color: '#8fb4e0', fontSize: 16 },
        detail: {
          offsetCenter: [0, '-8%'],
          fontSize: 30,
          fontWeight: 700,
          color: '#fff',
          formatter: '{value}%',
        },
        data: [{ value: ratePct(value), name }],
      },
    ],
  };
}

/** Received and resolved per month, as two lines. */
export function trendOption(months: Group[], labels: { received: string; resolved: string }): EChartsOption {
  const line = (name: string, data: number[]) => ({
    name,
    type: 'line' as const,
    smooth: true,
    areaStyle: { opacity: 0.15 },
    data,
  });
  return {
    color: ['#00e5ff', '#36d399'],
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: '#8fb4e0' } },
    grid: { left: 40, right: 16, top: 34, bottom: 26 },
    xAxis: { type: 'category', data: months.map((x) => x.label || x.key), ...axisStyle },
    yAxis: { type: 'value', ...axisStyle },
    series: [
      line(
        labels.received,
        months.map((x) => x.received),
      ),
      line(
        labels.resolved,
        months.map((x) => x.resolved),
      ),
    ],
  };
}

/** The eight units with the best on-time rate among those that accepted problems, best on top. */
export function rankingOption(units: Group[]): EChartsOption {
  const g = [...units]
    .filter((x) => x.accepted > 0)
    .sort((a, b) => (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1))
    .slice(0, 8)
    .reverse();
  return {
    grid: { left: 170, right: 50, top: 6, bottom: 6 },
    xAxis: { type: 'value', max: 100, show: false },
    yAxis: {
      type: 'category',
      data: g.map((x) => x.label),
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: { color: '#d6e6ff', width: 160, overflow: 'truncate', fontSize: 14 },
    },
    series: [
      {
        type: 'bar',
        data: g.map((x) => rateOrGap(x.onTimeRate)),
        barWidth: 12,
        itemStyle: { borderRadius: 6, color: '#00b3ff' },
        showBackground: true,
        backgroundStyle: { color: 'rgba(79,195,247,0.08)', borderRadius: 6 },
        label: { show: true, position: 'right', color: '#fff', formatter: '{c}%' },
      },
    ],
  };
}
