/**
 * Inline SVG charts for the HTML report: no chart library, no external resources.
 * Every number written into the markup is formatted to one decimal; every label is escaped.
 * Colours are presentation attributes, so a chart also renders when lifted out of the page.
 */
import { escapeHtml } from '../util/escape.js';
import { band, clamp, fmt1, fmtScore, type Band } from './format.js';

/** Fill colour per score band (light theme, readable in print). */
export const BAND_COLORS: Record<Band, string> = {
  high: '#2e7d32',
  good: '#689f38',
  fair: '#f9a825',
  low: '#d84315',
  na: '#bdbdbd',
};

const SVG_NS = 'http://www.w3.org/2000/svg';

function svgOpen(cls: string, width: number, height: number, label: string, standalone: boolean): string {
  const ns = standalone ? ` xmlns="${SVG_NS}"` : '';
  return `<svg${ns} class="${cls}" width="${fmt1(width)}" height="${fmt1(height)}" viewBox="0.0 0.0 ${fmt1(width)} ${fmt1(height)}" role="img" aria-label="${escapeHtml(label)}">`;
}

const RADAR_PAD_X = 100;
const RADAR_PAD_Y = 42;
/** Longer axis labels are cut with an ellipsis so they stay inside the drawing. */
const RADAR_LABEL_MAX = 20;

function shortLabel(label: string): string {
  const chars = [...label];
  return chars.length > RADAR_LABEL_MAX ? `${chars.slice(0, RADAR_LABEL_MAX - 1).join('')}…` : label;
}

export interface RadarAxis {
  label: string;
  /** 0-100, or null when the dimension has no score (no vertex is drawn; the label says n/a). */
  value: number | null;
}

export interface RadarOptions {
  /** Width of the drawing (default 380); the radius is width / 2 - 100 (at least 30), the height 2 × radius + 84. */
  width?: number;
  /** Accessible name and tooltip. */
  title?: string;
  /** Polygon colour. */
  color?: string;
  /** Add the SVG namespace, for use outside an HTML page. */
  standalone?: boolean;
}

/**
 * A radar (spider) chart on a 0-100 scale, one axis per entry, first axis pointing up, clockwise.
 * Meant for three or more axes; with fewer, use bars.
 */
export function radarSvg(axes: RadarAxis[], opts: RadarOptions = {}): string {
  const width = opts.width ?? 380;
  // Room for the labels: ~100 px each side for names like 'Advanced AI risk', ~42 px above and below for two lines.
  const r = Math.max(30, width / 2 - RADAR_PAD_X);
  const height = 2 * r + 2 * RADAR_PAD_Y;
  const cx = width / 2;
  const cy = height / 2;
  const color = opts.color ?? '#1565c0';
  const n = axes.length;
  const title = opts.title ?? 'Radar chart';
  const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / Math.max(n, 1);
  const pt = (i: number, v: number) => {
    const a = angle(i);
    const rr = (r * clamp(v, 0, 100)) / 100;
    return [cx + rr * Math.cos(a), cy + rr * Math.sin(a)] as const;
  };
  const parts: string[] = [svgOpen('radar', width, height, title, opts.standalone ?? false)];
  parts.push(`<title>${escapeHtml(title)}</title>`);

  // Grid rings at 20, 40, ..., 100.
  for (const level of [20, 40, 60, 80, 100]) {
    const pts = axes.map((_, i) => pt(i, level).map(fmt1).join(',')).join(' ');
    parts.push(`<polygon class="ring" points="${pts}" fill="none" stroke="#d0d7de" stroke-width="${level === 100 ? '1.2' : '0.6'}"/>`);
  }
  // Axes and their labels.
  axes.forEach((ax, i) => {
    const [x, y] = pt(i, 100);
    parts.push(`<line class="axis" x1="${fmt1(cx)}" y1="${fmt1(cy)}" x2="${fmt1(x)}" y2="${fmt1(y)}" stroke="#b0b8c1" stroke-width="0.8"/>`);
    const a = angle(i);
    const lx = cx + (r + 12) * Math.cos(a);
    const ly = cy + (r + 12) * Math.sin(a);
    const cos = Math.cos(a);
    const anchor = Math.abs(cos) < 0.2 ? 'middle' : cos > 0 ? 'start' : 'end';
    // Labels above the centre sit above their point, below the centre below it.
    const dy = Math.sin(a) < -0.2 ? -14 : Math.sin(a) > 0.2 ? 4 : -5;
    parts.push(
      `<text class="axis-label" x="${fmt1(lx)}" y="${fmt1(ly + dy)}" text-anchor="${anchor}" font-size="11" fill="#24292f">` +
        `<tspan x="${fmt1(lx)}" dy="0.0">${escapeHtml(shortLabel(ax.label))}</tspan>` +
        `<tspan x="${fmt1(lx)}" dy="13.0" font-weight="600" fill="${band(ax.value) === 'na' ? '#6e7781' : '#24292f'}">${escapeHtml(fmtScore(ax.value))}</tspan>` +
        `</text>`,
    );
  });
  // The value polygon through the axes that have a value.
  const scored = axes.map((ax, i) => ({ ax, i })).filter(({ ax }) => typeof ax.value === 'number' && Number.isFinite(ax.value));
  if (scored.length >= 2) {
    const pts = scored.map(({ ax, i }) => pt(i, ax.value as number).map(fmt1).join(',')).join(' ');
    parts.push(`<polygon class="area" points="${pts}" fill="${color}" fill-opacity="0.18" stroke="${color}" stroke-width="1.8" stroke-linejoin="round"/>`);
  }
  for (const { ax, i } of scored) {
    const [x, y] = pt(i, ax.value as number);
    parts.push(`<circle class="pt" cx="${fmt1(x)}" cy="${fmt1(y)}" r="3.0" fill="${BAND_COLORS[band(ax.value)]}" stroke="#fff" stroke-width="1.0"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface BarOptions {
  /** Width of the whole bar track. Default 240. */
  width?: number;
  /** Height of the drawing. Default 16. */
  height?: number;
  /** What the bar measures, for the accessible name. */
  label?: string;
  /** Add the SVG namespace, for use outside an HTML page. */
  standalone?: boolean;
}

/**
 * A horizontal 0-100 bar coloured by score band, with the 95% confidence interval drawn as a whisker.
 * A null value draws an empty track with 'n/a'.
 */
export function barWithCi(value: number | null, ci: [number, number] | null, opts: BarOptions = {}): string {
  const width = opts.width ?? 240;
  const height = opts.height ?? 16;
  const has = typeof value === 'number' && Number.isFinite(value);
  const x = (v: number) => (clamp(v, 0, 100) / 100) * width;
  const ciText = ci ? ` (95% CI ${fmt1(ci[0])}–${fmt1(ci[1])})` : '';
  const title = `${opts.label ? `${opts.label}: ` : ''}${fmtScore(value)}${has ? ciText : ''}`;
  const barH = Math.max(4, height - 6);
  const barY = (height - barH) / 2;
  const mid = height / 2;
  const parts: string[] = [svgOpen('bar', width, height, title, opts.standalone ?? false)];
  parts.push(`<title>${escapeHtml(title)}</title>`);
  parts.push(`<rect class="track" x="0.0" y="${fmt1(barY)}" width="${fmt1(width)}" height="${fmt1(barH)}" rx="2.0" fill="#eef1f4"/>`);
  if (has) {
    const v = value as number;
    parts.push(`<rect class="fill band-${band(v)}" x="0.0" y="${fmt1(barY)}" width="${fmt1(x(v))}" height="${fmt1(barH)}" rx="2.0" fill="${BAND_COLORS[band(v)]}" fill-opacity="0.85"/>`);
    if (ci) {
      const lo = x(Math.min(ci[0], ci[1]));
      const hi = x(Math.max(ci[0], ci[1]));
      const cap = Math.min(mid, barH / 2 + 2);
      parts.push(
        `<g class="ci" stroke="#24292f" stroke-width="1.2">` +
          `<line x1="${fmt1(lo)}" y1="${fmt1(mid)}" x2="${fmt1(hi)}" y2="${fmt1(mid)}"/>` +
          `<line x1="${fmt1(lo)}" y1="${fmt1(mid - cap)}" x2="${fmt1(lo)}" y2="${fmt1(mid + cap)}"/>` +
          `<line x1="${fmt1(hi)}" y1="${fmt1(mid - cap)}" x2="${fmt1(hi)}" y2="${fmt1(mid + cap)}"/>` +
          `</g>`,
      );
    }
  } else {
    parts.push(`<text x="4.0" y="${fmt1(mid + 4)}" font-size="10" fill="#6e7781">n/a</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
