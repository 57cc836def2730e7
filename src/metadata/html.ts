/**
 * HTML to text without a parser dependency: a single forward scan over tags, comments and text.
 * Drops script, style, nav and other non-content elements, keeps headings and paragraphs as blocks,
 * and decodes character references. Good enough for retrieval passages; not a browser.
 */

/** A block of text: a paragraph, list item, table row, or a heading. */
export interface TextBlock { text: string; heading: boolean }

/** Elements whose whole content is dropped. */
const SKIP = new Set(['script', 'style', 'nav', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'canvas', 'title', 'select', 'button']);
/** Elements that start and end a block. */
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'br', 'hr',
  'tr', 'table', 'thead', 'tbody', 'tfoot', 'caption', 'blockquote', 'pre', 'figure', 'figcaption', 'address', 'details',
  'summary', 'body', 'html', 'head', 'form', 'fieldset', 'legend', 'center',
]);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const CELLS = new Set(['td', 'th']);

/** The text blocks of an HTML document, in order. */
export function htmlToBlocks(html: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let cur = '';
  let heading = false;
  const flush = (): void => {
    const text = collapseSpace(cur);
    if (text !== '') blocks.push({ text, heading });
    cur = '';
  };
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (end > i) cur += decodeEntities(html.slice(i, end));
    if (lt < 0) break;
    i = lt;
    if (html.startsWith('<!--', i)) {
      const close = html.indexOf('-->', i + 4);
      i = close < 0 ? n : close + 3;
      continue;
    }
    if (html.startsWith('<![CDATA[', i)) {
      const close = html.indexOf(']]>', i + 9);
      cur += html.slice(i + 9, close < 0 ? n : close);
      i = close < 0 ? n : close + 3;
      continue;
    }
    const next = html[i + 1];
    if (next === '!' || next === '?') {
      const close = html.indexOf('>', i + 2);
      i = close < 0 ? n : close + 1;
      continue;
    }
    const closing = next === '/';
    const nameStart = closing ? i + 2 : i + 1;
    if (!isLetter(html[nameStart])) {
      cur += '<'; // a literal '<' in text
      i++;
      continue;
    }
    let j = nameStart;
    while (j < n && isNameChar(html[j])) j++;
    const name = html.slice(nameStart, j).toLowerCase();
    const tagEnd = findTagEnd(html, j);
    const selfClosing = html[tagEnd - 1] === '/';
    i = tagEnd + 1;
    if (!closing && !selfClosing && SKIP.has(name)) {
      i = skipElement(html, i, name);
      if (name === 'button' || name === 'select') cur += ' ';
      continue;
    }
    if (HEADINGS.has(name)) {
      flush();
      heading = !closing;
    } else if (BLOCK.has(name)) {
      flush();
      heading = false;
    } else if (CELLS.has(name)) {
      cur += ' ';
    }
  }
  flush();
  return blocks;
}

/** Plain text of an HTML document: its blocks separated by blank lines. */
export function htmlToText(html: string): string {
  return htmlToBlocks(html).map((b) => b.text).join('\n\n');
}

/** Text of an inline HTML fragment (a search snippet with <strong> marks): tags dropped, entities decoded. */
export function stripInlineHtml(fragment: string): string {
  return htmlToBlocks(fragment).map((b) => b.text).join(' ');
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

function isNameChar(c: string): boolean {
  return isLetter(c) || (c >= '0' && c <= '9') || c === '-' || c === ':' || c === '_';
}

/** Index of the '>' ending a tag whose name ended at `from`, skipping quoted attribute values. */
function findTagEnd(html: string, from: number): number {
  let quote = '';
  for (let k = from; k < html.length; k++) {
    const c = html[k];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return k;
    }
  }
  return html.length;
}

/** The index just after the end tag of `name` (case-insensitive, nesting counted), or the end of the text. */
function skipElement(html: string, from: number, name: string): number {
  let depth = 1;
  let k = from;
  // script and style hold raw text: only their own end tag ends them.
  const raw = name === 'script' || name === 'style';
  while (k < html.length) {
    const lt = html.indexOf('<', k);
    if (lt < 0) return html.length;
    const closing = html[lt + 1] === '/';
    const at = closing ? lt + 2 : lt + 1;
    if (startsWithName(html, at, name)) {
      const end = findTagEnd(html, at + name.length);
      if (closing) depth--;
      else if (!raw && html[end - 1] !== '/') depth++;
      if (depth === 0) return end + 1;
      k = end + 1;
    } else {
      k = lt + 1;
    }
  }
  return html.length;
}

/** Whether the tag name at `at` is `name` (lower-case ASCII), compared without case. */
function startsWithName(html: string, at: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    const c = html.charCodeAt(at + k);
    const lower = c >= 65 && c <= 90 ? c + 32 : c;
    if (lower !== name.charCodeAt(k)) return false;
  }
  const after = html[at + name.length];
  return after === undefined || !isNameChar(after);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0';
}

/** Trim and collapse every run of whitespace (including no-break spaces) into one space. */
export function collapseSpace(text: string): string {
  let out = '';
  let pending = false;
  for (const c of text) {
    if (isSpace(c)) {
      pending = out !== '';
    } else {
      if (pending) out += ' ';
      out += c;
      pending = false;
    }
  }
  return out;
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', shy: '', ensp: ' ', emsp: ' ', thinsp: ' ',
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', minus: '−', bull: '•', middot: '·',
  lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', laquo: '«', raquo: '»', lsaquo: '‹', rsaquo: '›',
  deg: '°', plusmn: '±', times: '×', divide: '÷', frac12: '½', frac14: '¼', frac34: '¾', sup2: '²', sup3: '³',
  micro: 'µ', para: '¶', sect: '§', cent: '¢', pound: '£', yen: '¥', euro: '€', curren: '¤', dagger: '†', Dagger: '‡',
  permil: '‰', prime: '′', Prime: '″', larr: '←', rarr: '→', uarr: '↑', darr: '↓', harr: '↔', le: '≤', ge: '≥', ne: '≠',
  asymp: '≈', infin: '∞', iexcl: '¡', iquest: '¿', ordf: 'ª', ordm: 'º', not: '¬', macr: '¯', acute: '´', cedil: '¸',
  Agrave: 'À', Aacute: 'Á', Acirc: 'Â', Atilde: 'Ã', Auml: 'Ä', Aring: 'Å', AElig: 'Æ', Ccedil: 'Ç', Egrave: 'È',
  Eacute: 'É', Ecirc: 'Ê', Euml: 'Ë', Igrave: 'Ì', Iacute: 'Í', Icirc: 'Î', Iuml: 'Ï', Ntilde: 'Ñ', Ograve: 'Ò',
  Oacute: 'Ó', Ocirc: 'Ô', Otilde: 'Õ', Ouml: 'Ö', Oslash: 'Ø', Ugrave: 'Ù', Uacute: 'Ú', Ucirc: 'Û', Uuml: 'Ü',
  Yacute: 'Ý', szlig: 'ß', agrave: 'à', aacute: 'á', acirc: 'â', atilde: 'ã', auml: 'ä', aring: 'å', aelig: 'æ',
  ccedil: 'ç', egrave: 'è', eacute: 'é', ecirc: 'ê', euml: 'ë', igrave: 'ì', iacute: 'í', icirc: 'î', iuml: 'ï',
  ntilde: 'ñ', ograve: 'ò', oacute: 'ó', ocirc: 'ô', otilde: 'õ', ouml: 'ö', oslash: 'ø', ugrave: 'ù', uacute: 'ú',
  ucirc: 'û', uuml: 'ü', yacute: 'ý', yuml: 'ÿ', OElig: 'Œ', oelig: 'œ', Scaron: 'Š', scaron: 'š', Yuml: 'Ÿ',
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', lambda: 'λ', mu: 'μ', pi: 'π', sigma: 'σ', omega: 'ω',
  Delta: 'Δ', Sigma: 'Σ', Omega: 'Ω',
};

/**
 * Decode character references: named (a common table; unknown names are left as written) and
 * numeric (&#233; &#xE9;). A reference must end with ';'.
 */
export function decodeEntities(text: string): string {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0) break;
    const body = text.slice(amp + 1, semi);
    let rep: string | undefined;
    if (body.length > 0 && body.length <= 32) {
      if (body[0] === '#') rep = numericRef(body.slice(1));
      else if (Object.hasOwn(NAMED, body)) rep = NAMED[body];
    }
    if (rep !== undefined) {
      out += text.slice(last, amp) + rep;
      last = semi + 1;
      amp = text.indexOf('&', last);
    } else {
      amp = text.indexOf('&', amp + 1);
    }
  }
  return out + text.slice(last);
}

function numericRef(digits: string): string | undefined {
  const hex = digits[0] === 'x' || digits[0] === 'X';
  const s = hex ? digits.slice(1) : digits;
  if (s === '') return undefined;
  for (const c of s) {
    const ok = (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    if (!ok) return undefined;
  }
  const code = Number.parseInt(s, hex ? 16 : 10);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(code);
}
