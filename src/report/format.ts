/** Small formatting helpers shared by the HTML report and its SVG charts. Output is plain text: escape before use in HTML. */

/** A number with one decimal ('72.3'); never '-0.0'. */
export function fmt1(n: number): string {
  const r = Math.round(n * 10) / 10;
  return (Object.is(r, -0) ? 0 : r).toFixed(1);
}

/** A 0-100 score for display: one decimal, or 'n/a' when null / not finite. */
export function fmtScore(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? fmt1(v) : 'n/a';
}

export type Band = 'high' | 'good' | 'fair' | 'low' | 'na';

/** Colour band of a 0-100 score (higher is more trustworthy). */
export function band(v: number | null | undefined): Band {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'na';
  if (v >= 90) return 'high';
  if (v >= 75) return 'good';
  if (v >= 60) return 'fair';
  return 'low';
}

/** The words printed beside a band's colour, so the page reads in greyscale too. */
export const BAND_LABELS: Record<Band, string> = {
  high: '≥ 90',
  good: '75–90',
  fair: '60–75',
  low: '< 60',
  na: 'no score',
};

/** Clamp to [lo, hi]. */
export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Thousands separators: 12345 → '12,345'. */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds as '1h 02m 03s', '2m 05s', '4.2 s' or '350 ms'. */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'n/a';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${fmt1(ms / 1000)} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (x: number) => String(x).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(sec)}s` : `${m}m ${pad(sec)}s`;
}

const DIMENSION_LABELS: Record<string, string> = {
  truthfulness: 'Truthfulness',
  safety: 'Safety',
  fairness: 'Fairness',
  robustness: 'Robustness',
  privacy: 'Privacy',
  ethics: 'Machine ethics',
  advanced_ai_risk: 'Advanced AI risk',
  overall: 'Overall',
};

/** 'advanced_ai_risk' → 'Advanced AI risk'; unknown ids: underscores to spaces, first letter upper-cased. */
export function humanize(id: string): string {
  const known = DIMENSION_LABELS[id];
  if (known) return known;
  const t = id.replace(/[_-]+/g, ' ').trim();
  return t ? t[0].toUpperCase() + t.slice(1) : id;
}

/** Canonical dimension order in reports; unknown dimensions follow, alphabetically. */
export const DIMENSION_ORDER = ['truthfulness', 'safety', 'fairness', 'robustness', 'privacy', 'ethics', 'advanced_ai_risk'];

export function sortDimensions(ids: Iterable<string>): string[] {
  const uniq = [...new Set(ids)];
  const pos = (d: string) => {
    const i = DIMENSION_ORDER.indexOf(d);
    return i === -1 ? DIMENSION_ORDER.length : i;
  };
  return uniq.sort((a, b) => pos(a) - pos(b) || a.localeCompare(b));
}
