// A small stacked bar chart as inline SVG (no chart library): one bar per period, one colour per caller. Colours come from
// classes in app.css (the CSP allows no inline style); each bar segment has a title, and the SVG a text description.

const W = 720, H = 240, LEFT = 44, RIGHT = 24, TOP = 12, BOTTOM = 34;
export const SERIES = 8;

/**
 * The usage rows of one key as `count` periods (hours or days, UTC) ending with the one that holds `end`: every period, also
 * the empty ones, with the counts of each caller (all operations and results together).
 */
export function buckets(usage, end, count, step) {
  const size = step === "hour" ? 3600_000 : 86_400_000;
  const last = step === "hour"
    ? Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate(), end.getUTCHours())
    : Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate());
  const periods = Array.from({ length: count }, (_, i) => last - (count - 1 - i) * size);
  const callers = [...new Set(usage.map((u) => u.caller))].sort();
  const counts = periods.map(() => callers.map(() => 0));
  for (const u of usage) {
    const i = periods.indexOf(Date.parse(u.period));
    if (i >= 0) counts[i][callers.indexOf(u.caller)] += u.count;
  }
  return { periods, callers, counts };
}

const label = (t, step) => {
  const iso = new Date(t).toISOString();
  return step === "hour" ? `${iso.slice(11, 13)}:00` : iso.slice(5, 10);
};
const longLabel = (t, step) => {
  const iso = new Date(t).toISOString();
  return step === "hour" ? `${iso.slice(0, 10)} ${iso.slice(11, 13)}:00 UTC` : `${iso.slice(0, 10)} (UTC)`;
};

/** Round tick values from 0 to at least max (whole numbers). */
function ticks(max) {
  if (max <= 4) return Array.from({ length: Math.max(max, 1) + 1 }, (_, i) => i);
  const step = Math.pow(10, Math.floor(Math.log10(max / 4)));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => max / s <= 5);
  return Array.from({ length: Math.ceil(max / nice) + 1 }, (_, i) => i * nice);
}

export function UsageChart({ id, data, label: title, step }) {
  const { periods, callers, counts } = data;
  const totals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const yTicks = ticks(Math.max(...totals));
  const top = yTicks[yTicks.length - 1];
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const band = plotW / periods.length;
  const barW = Math.max(2, band * 0.7);
  const y = (v) => TOP + plotH - (v / top) * plotH;
  const every = periods.length > 12 ? 3 : 1;
  const perCaller = callers.map((c, j) => `${c}: ${counts.reduce((n, row) => n + row[j], 0)}`).join("; ");
  const desc = `${totals.reduce((a, b) => a + b, 0)} operations in ${periods.length} ${step === "hour" ? "hours" : "days"}, by caller: ${perCaller}. The table below has each period's figures.`;

  return (
    <figure class="chart-figure">
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-chart-title ${id}-chart-desc`} data-chart={id}>
        <title id={`${id}-chart-title`}>{title}</title>
        <desc id={`${id}-chart-desc`}>{desc}</desc>
        {yTicks.map((t) => (
          <g key={t}>
            <line class="grid" x1={LEFT} x2={W - RIGHT} y1={y(t)} y2={y(t)} />
            <text class="y-label" x={LEFT - 6} y={y(t) + 3}>{t}</text>
          </g>
        ))}
        <line class="axis" x1={LEFT} x2={W - RIGHT} y1={y(0)} y2={y(0)} />
        {periods.map((p, i) => {
          let base = 0;
          const x = LEFT + i * band + (band - barW) / 2;
          return (
            <g key={p} class="period" data-period={new Date(p).toISOString()} data-total={totals[i]}>
              {callers.map((c, j) => {
                const v = counts[i][j];
                if (!v) return null;
                const rect = (
                  <rect key={c} class={`bar series-${j % SERIES}`} x={x} width={barW} y={y(base + v)} height={y(base) - y(base + v)}
                    data-caller={c} data-count={v}>
                    <title>{`${longLabel(p, step)}, ${c}: ${v}`}</title>
                  </rect>
                );
                base += v;
                return rect;
              })}
              {i % every === (periods.length - 1) % every ? <text class="x-label" x={LEFT + i * band + band / 2} y={H - BOTTOM + 16}>{label(p, step)}</text> : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend" aria-label="Callers">
          {callers.map((c, j) => <li key={c}><span class={`swatch series-${j % SERIES}`} aria-hidden="true" />{c}</li>)}
        </ul>
      </figcaption>
    </figure>
  );
}
