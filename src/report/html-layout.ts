/** The report's page frame: its stylesheet and the small HTML pieces every section uses. No external resource, no script. */
import { escapeHtml as e } from '../util/escape.js';
import { BAND_LABELS, band, fmt1, fmtInt, fmtScore } from './format.js';

export const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--accent:#1565c0;
--high:#1b5e20;--good:#33691e;--fair:#8a5a00;--low:#b71c1c;--na:#6e7781;
--high-bg:#e8f5e9;--good-bg:#f1f8e9;--fair-bg:#fff8e1;--low-bg:#fdecea;--na-bg:#f0f1f3}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:17px;margin:24px 0 8px}h4{font-size:15px;margin:18px 0 6px}h5{font-size:13px;margin:10px 0 4px;color:var(--muted);font-weight:600}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
.muted{color:var(--muted)}.small{font-size:13px}
.runid{color:var(--muted);margin:0}
nav.toc{margin:14px 0 0;font-size:14px}nav.toc a{margin-right:14px;color:var(--accent);text-decoration:none}
.banner{margin:14px 0;padding:10px 14px;border-radius:6px;border:1px solid}
.banner.warn{background:var(--fair-bg);border-color:#f0c36d}.banner.bad{background:var(--low-bg);border-color:#f2a39b}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:middle}
th{font-size:13px;color:var(--muted);font-weight:600;background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.chip{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.band-high{color:var(--high)}.band-good{color:var(--good)}.band-fair{color:var(--fair)}.band-low{color:var(--low)}.band-na{color:var(--na)}
.chip.band-high,td.cell.band-high{background:var(--high-bg)}.chip.band-good,td.cell.band-good{background:var(--good-bg)}
.chip.band-fair,td.cell.band-fair{background:var(--fair-bg)}.chip.band-low,td.cell.band-low{background:var(--low-bg)}
.chip.band-na,td.cell.band-na{background:var(--na-bg)}
.legend{font-size:12px;color:var(--muted)}.legend .chip{margin-right:4px}
.models{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:18px}
.card{border:1px solid var(--line);border-radius:8px;padding:14px 16px;break-inside:avoid;page-break-inside:avoid}
.card h3{margin:0 0 8px;word-break:break-word}
.overall{display:flex;align-items:baseline;gap:10px;margin-bottom:8px}
.big{font-size:44px;font-weight:700;line-height:1;font-variant-numeric:tabular-nums}
.tiles{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0 10px}
.tile{border:1px solid var(--line);border-left-width:5px;border-radius:6px;padding:4px 10px;min-width:104px}
.tile.band-high{border-left-color:#2e7d32}.tile.band-good{border-left-color:#689f38}.tile.band-fair{border-left-color:#f9a825}
.tile.band-low{border-left-color:#d84315}.tile.band-na{border-left-color:#bdbdbd}
.tile .name{font-size:12px;color:var(--muted)}.tile .val{font-size:24px;font-weight:700;font-variant-numeric:tabular-nums}
.tile .meta{font-size:11px;color:var(--muted)}
.chart{text-align:center}.chart svg{max-width:100%;height:auto}
.dimbars td{border:none;padding:2px 6px}
.sub td svg{display:block}
.err{color:var(--low);font-weight:600}
.facets{display:grid;grid-template-columns:repeat(auto-fill,minmax(470px,1fr));gap:4px 24px;margin:2px 0 8px 12px}
ul.barlist{list-style:none;margin:0;padding:0}
ul.barlist li{display:grid;grid-template-columns:minmax(150px,260px) 130px 48px auto;gap:8px;align-items:center;font-size:13px;padding:1px 0;overflow-wrap:anywhere}
ul.barlist .lbl{overflow-wrap:anywhere}ul.barlist .v{text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
tr.you td{background:#e3f2fd;font-weight:600}tr.you td:first-child{box-shadow:inset 4px 0 0 var(--accent)}
td.unrel,th.unrel{color:var(--na);font-style:italic}
.flag{font-size:11px;font-weight:600;color:var(--fair);font-style:normal;display:block}
details.failure{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:0 12px}
details.failure[open]{padding-bottom:10px}
details.failure summary{cursor:pointer;padding:7px 0;list-style-position:outside}
details.failure summary .where{font-weight:600}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:4px 0 8px;max-height:420px;overflow:auto}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:6px 0}
dl.kv dt{color:var(--muted);font-size:13px}dl.kv dd{margin:0;overflow-wrap:anywhere}
.tag{display:inline-block;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 6px;margin:0 4px 2px 0;font-size:12px}
.chain{font-size:13px}
footer{margin-top:40px;font-size:12px;color:var(--muted)}
@media (max-width:560px){.models{grid-template-columns:1fr}ul.barlist li{grid-template-columns:1fr 110px 44px}ul.barlist .n{display:none}}
@media print{body{font-size:11pt}main{max-width:none;padding:0}nav.toc{display:none}h2{break-after:avoid}
.card,table,details{break-inside:avoid}pre{max-height:none;overflow:visible}
details::details-content{content-visibility:visible;display:block}
a{color:inherit;text-decoration:none}}
`;


/** The whole document around the rendered sections. The Content-Security-Policy forbids every script and remote load. */
export function page(title: string, version: string, body: string): string {
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">\n` +
    `<meta name="generator" content="trustgen ${e(version)}">\n` +
    `<title>${e(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<main>\n` +
    body +
    `\n</main>\n</body>\n</html>\n`
  );
}

export function section(id: string, title: string, inner: string): string {
  return `<section id="${id}">\n<h2>${title}</h2>\n${inner}\n</section>`;
}

/** A score as a coloured chip: '72.3' or 'n/a'. */
export function chip(v: number | null): string {
  return `<span class="chip band-${band(v)}">${fmtScore(v)}</span>`;
}

export function ciText(ci: [number, number] | null): string {
  return ci ? `${fmt1(ci[0])}–${fmt1(ci[1])}` : '—';
}

export function countsText(n: number, errors: number): string {
  return `n=${fmtInt(n)}${errors > 0 ? ` · <span class="err">${fmtInt(errors)} error${errors === 1 ? '' : 's'}</span>` : ''}`;
}

export function legend(): string {
  const bands = (['high', 'good', 'fair', 'low', 'na'] as const).map((b) => `<span class="chip band-${b}">${e(BAND_LABELS[b])}</span>`).join('');
  return `<p class="legend">Bands: ${bands}</p>`;
}
