// One uPlot chart. The instance is created once per chart *shape* (series, axes, time zone) and
// live updates go through setData, never a new instance: uPlot then draws a month of minute data
// (43,200 points) smoothly. Shaded spans (excursions, gaps), limit lines and point markers are
// drawn by a small plugin that reads the latest props through a ref.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMonthDay, formatTime } from '../lib/time-format.ts';

export interface ShadeSpan {
  /** Seconds (uPlot's x unit). */
  from: number;
  to: number;
  color: string;
}

export interface HLine {
  value: number;
  color: string;
  dash?: number[];
}

export interface Marker {
  /** Seconds. */
  x: number;
  y: number;
  color: string;
}

export interface ChartProps {
  /** Changing this rebuilds the chart (series shape changed); data changes never do. */
  shapeKey: string;
  data: uPlot.AlignedData;
  series: uPlot.Series[];
  bands?: uPlot.Band[];
  timeZone: string;
  height?: number;
  yLabel?: string;
  spans?: ShadeSpan[];
  hLines?: HLine[];
  markers?: Marker[];
  /** Accessible description of what the chart shows. */
  ariaLabel: string;
  testId?: string;
  /** Shown instead of the chart while there is no data. */
  emptyText?: string;
}

const MIN = 60;
const X_INCRS = [
  MIN,
  5 * MIN,
  10 * MIN,
  15 * MIN,
  30 * MIN,
  3600,
  2 * 3600,
  3 * 3600,
  6 * 3600,
  12 * 3600,
  86_400,
  2 * 86_400,
  7 * 86_400,
  14 * 86_400,
  30 * 86_400,
];

interface Overlays {
  spans: ShadeSpan[];
  hLines: HLine[];
  markers: Marker[];
}

function overlayPlugin(ref: { current: Overlays }): uPlot.Plugin {
  return {
    hooks: {
      drawClear: [
        (u) => {
          const { ctx } = u;
          const { top, height } = u.bbox;
          ctx.save();
          for (const s of ref.current.spans) {
            const x0 = u.valToPos(s.from, 'x', true);
            const x1 = u.valToPos(s.to, 'x', true);
            ctx.fillStyle = s.color;
            ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
          }
          ctx.restore();
        },
      ],
      draw: [
        (u) => {
          const { ctx } = u;
          const { left, width } = u.bbox;
          ctx.save();
          for (const l of ref.current.hLines) {
            const y = u.valToPos(l.value, 'y', true);
            ctx.strokeStyle = l.color;
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.setLineDash((l.dash ?? [6, 4]).map((d) => d * devicePixelRatio));
            ctx.beginPath();
            ctx.moveTo(left, y);
            ctx.lineTo(left + width, y);
            ctx.stroke();
          }
          ctx.setLineDash([]);
          for (const m of ref.current.markers) {
            ctx.fillStyle = m.color;
            ctx.beginPath();
            ctx.arc(u.valToPos(m.x, 'x', true), u.valToPos(m.y, 'y', true), 4 * devicePixelRatio, 0, 2 * Math.PI);
            ctx.fill();
          }
          ctx.restore();
        },
      ],
    },
  };
}

export function Chart(props: ChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const overlays = useRef<Overlays>({ spans: [], hLines: [], markers: [] });
  overlays.current = { spans: props.spans ?? [], hLines: props.hLines ?? [], markers: props.markers ?? [] };
  const latestData = useRef(props.data);
  latestData.current = props.data;
  const height = props.height ?? 240;
  // uPlot cannot lay out axes over an empty x range, so the instance exists only while there is data.
  const hasData = (props.data[0]?.length ?? 0) > 0;

  useEffect(() => {
    const el = holder.current;
    if (!el || !hasData) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), props.timeZone),
      series: [{}, ...props.series],
      bands: props.bands ?? [],
      legend: { show: true, live: false },
      cursor: { drag: { x: true, y: false } },
      scales: {
        x: { time: true },
        // The limit lines are always in view, so a quiet day still shows how far it is from 80 dB.
        y: {
          range: (_u, min, max) => {
            const lines = overlays.current.hLines.map((l) => l.value);
            const lo = Math.min(min ?? Infinity, ...lines);
            const hi = Math.max(max ?? -Infinity, ...lines);
            if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
            const pad = Math.max((hi - lo) * 0.08, 0.5);
            return [lo - pad, hi + pad];
          },
        },
      },
      axes: [
        {
          stroke: 'currentColor',
          grid: { stroke: 'rgba(128,128,128,0.2)' },
          // Whole minutes and up: the data is per minute or coarser, and labels never repeat.
          incrs: X_INCRS,
          // Tick labels on the site's clock, 24 h (the default would be the browser's am/pm).
          values: (u, splits) => {
            const span = (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0);
            return splits.map((s) =>
              span > 3 * 86_400
                ? formatMonthDay(s * 1000, props.timeZone)
                : span > 86_400
                  ? `${formatMonthDay(s * 1000, props.timeZone)} ${formatTime(s * 1000, props.timeZone)}`
                  : formatTime(s * 1000, props.timeZone),
            );
          },
        },
        {
          stroke: 'currentColor',
          grid: { stroke: 'rgba(128,128,128,0.2)' },
          size: 64,
          ...(props.yLabel ? { label: props.yLabel } : {}),
        },
      ],
      plugins: [overlayPlugin(overlays)],
    };
    const u = new uPlot(opts, latestData.current, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuild only when the chart's shape changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.shapeKey, props.timeZone, height, hasData]);

  useEffect(() => {
    plot.current?.setData(props.data, true);
  }, [props.data]);

  useEffect(() => {
    plot.current?.redraw(false);
  }, [props.spans, props.hLines, props.markers]);

  return (
    <div
      ref={holder}
      className="chart"
      role="img"
      aria-label={props.ariaLabel}
      data-testid={props.testId}
      data-points={props.data[0]?.length ?? 0}
    >
      {hasData ? null : <p className="empty chart-empty">{props.emptyText ?? '—'}</p>}
    </div>
  );
}
