import type { RdPoint } from './bd-rate.js';

/**
 * A rate–PSNR plot as a standalone SVG document, written by hand: linear
 * axes with ticks and grid, one polyline per series, a legend on the right.
 * Measured series are solid with a marker on each point; anchors are dashed
 * and thinner. Lines are clipped to the plot area, so anchors reaching far
 * beyond the measured rates do not squash the interesting part.
 */

export interface PlotSeries {
  readonly name: string;
  readonly points: readonly RdPoint[];
  /** Published curves: dashed, thin, no markers; they do not set the axis ranges. */
  readonly anchor?: boolean;
  /** A fixed colour (so that a series keeps it across several plots); default the next of the palette. */
  readonly colour?: string;
}

export interface PlotOptions {
  readonly title?: string;
  /** Whole image size in px; default 1000 × 600. */
  readonly width?: number;
  readonly height?: number;
  /** Axis titles; default 'rate (bits per pixel)' and 'PSNR (dB, RGB)'. */
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Right end of the rate axis; default 10 % past the highest measured rate. */
  readonly maxBpp?: number;
  /** A marker on each measured point; default true (off for curves of hundreds of points). */
  readonly markers?: boolean;
  /** Room on the right for the legend, in px; default 340 (for long codec and anchor names). */
  readonly legendWidth?: number;
  /** Id of the clip path, unique per plot when several plots share one document; default 'plot-area'. */
  readonly clipId?: string;
}

/** Solid series colours (Tableau 10), then the anchors' (lighter) colours. */
export const PLOT_COLOURS: readonly string[] = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const DASHED = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666',
  '#1f78b4', '#33a02c', '#fb9a99', '#e31a1c', '#fdbf6f', '#ff7f00', '#cab2d6', '#6a3d9a'];

const MARGIN = { left: 64, right: 340, top: 44, bottom: 56 } as const;

/** Escapes text for SVG content and attribute values. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Round, readable tick values covering [low, high]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(low: number, high: number, count = 6): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step - 1e-9) * step; v <= high + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}

/** Number formatting for tick labels: no float noise, at most 3 decimals. */
function label(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/**
 * The SVG document. Axis ranges come from the measured (non-anchor) series:
 * x from 0 to `maxBpp` (default 10 % past their highest rate), y padded by
 * 1 dB around their PSNRs at rates up to there; from the anchors only when
 * nothing was measured.
 */
export function plotRateDistortion(series: readonly PlotSeries[], options: PlotOptions = {}): string {
  const width = options.width ?? 1000;
  const height = options.height ?? 600;
  const plotW = width - MARGIN.left - (options.legendWidth ?? MARGIN.right);
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const measured = series.filter((s) => !s.anchor && s.points.length > 0);
  const rangeSource = (measured.length > 0 ? measured : series).flatMap((s) => s.points)
    .filter((p) => Number.isFinite(p.bpp) && Number.isFinite(p.psnr));
  const maxBpp = options.maxBpp ?? (rangeSource.length > 0 ? Math.max(...rangeSource.map((p) => p.bpp)) * 1.1 : 1);
  const psnrs = rangeSource.filter((p) => p.bpp <= maxBpp).map((p) => p.psnr);
  const minPsnr = psnrs.length > 0 ? Math.floor(Math.min(...psnrs) - 1) : 20;
  const maxPsnr = psnrs.length > 0 ? Math.ceil(Math.max(...psnrs) + 1) : 40;
  const x = (bpp: number): number => MARGIN.left + (bpp / maxBpp) * plotW;
  const y = (db: number): number => MARGIN.top + (1 - (db - minPsnr) / (maxPsnr - minPsnr)) * plotH;
  const f = (v: number): string => v.toFixed(1);
  const clipId = options.clipId ?? 'plot-area';

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<defs><clipPath id="${clipId}"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}"/></clipPath></defs>`);
  if (options.title) out.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top - 18}" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`);

  // Grid, ticks and tick labels.
  for (const t of niceTicks(0, maxBpp)) {
    if (t > maxBpp) continue;
    out.push(`<line x1="${f(x(t))}" y1="${MARGIN.top}" x2="${f(x(t))}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${f(x(t))}" y1="${MARGIN.top + plotH}" x2="${f(x(t))}" y2="${MARGIN.top + plotH + 5}" stroke="black"/>`);
    out.push(`<text x="${f(x(t))}" y="${MARGIN.top + plotH + 19}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of niceTicks(minPsnr, maxPsnr)) {
    if (t < minPsnr || t > maxPsnr) continue;
    out.push(`<line x1="${MARGIN.left}" y1="${f(y(t))}" x2="${MARGIN.left + plotW}" y2="${f(y(t))}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${MARGIN.left - 5}" y1="${f(y(t))}" x2="${MARGIN.left}" y2="${f(y(t))}" stroke="black"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${f(y(t) + 4)}" text-anchor="end">${label(t)}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="black"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(options.xLabel ?? 'rate (bits per pixel)')}</text>`);
  out.push(`<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel ?? 'PSNR (dB, RGB)')}</text>`);

  // Anchors are drawn first, so measured curves lie on top; the legend lists measured curves first.
  let solid = 0;
  let dashed = 0;
  const styled = series.map((s) => ({
    series: s,
    colour: s.colour ?? (s.anchor ? DASHED[dashed++ % DASHED.length]! : PLOT_COLOURS[solid++ % PLOT_COLOURS.length]!),
    style: s.anchor ? 'stroke-width="1.25" stroke-dasharray="6 4"' : 'stroke-width="2.25"',
  }));
  for (const { series: s, colour, style } of [...styled.filter((e) => e.series.anchor), ...styled.filter((e) => !e.series.anchor)]) {
    const points = [...s.points].filter((p) => Number.isFinite(p.bpp) && Number.isFinite(p.psnr)).sort((a, b) => a.bpp - b.bpp);
    out.push(`<g clip-path="url(#${clipId})"><title>${escapeXml(s.name)}</title>`);
    if (points.length > 1) out.push(`<polyline points="${points.map((p) => `${f(x(p.bpp))},${f(y(p.psnr))}`).join(' ')}" fill="none" stroke="${colour}" ${style}/>`);
    if (!s.anchor && options.markers !== false) for (const p of points) out.push(`<circle cx="${f(x(p.bpp))}" cy="${f(y(p.psnr))}" r="3" fill="${colour}"/>`);
    out.push('</g>');
  }
  const lx = MARGIN.left + plotW + 16;
  [...styled.filter((e) => !e.series.anchor), ...styled.filter((e) => e.series.anchor)].forEach(({ series: s, colour, style }, i) => {
    const ly = MARGIN.top + 8 + i * 17;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${colour}" ${style}/>`,
      `<text x="${lx + 32}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
