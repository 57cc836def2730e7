/**
 * Near-duplicate search over texts: word 3-shingles hashed to 32 bits, MinHash signatures with a fixed
 * seed, and LSH banding to find candidate pairs without comparing every pair. Candidates are confirmed
 * with the exact Jaccard similarity of the shingle sets, so a reported near duplicate is never a guess.
 * Written for 100,000+ texts: typed arrays and an open-addressing bucket table, no per-bucket objects.
 */

const ASCII_ONLY = /^[\x00-\x7f]*$/;
/** ASCII punctuation as Unicode's \p{P} defines it (symbols such as + $ < = > ^ ` | ~ are kept). */
const ASCII_PUNCT = /[!"#%&'()*,\-./:;?@[\\\]_{}]+/g;

/** Lower-case, Unicode-normalised (NFKC), punctuation (\p{P}) removed, whitespace collapsed and trimmed. */
export function normalizeText(text: string): string {
  // ASCII text needs no NFKC and no Unicode-aware patterns (the same result, several times faster).
  if (ASCII_ONLY.test(text)) return text.toLowerCase().replace(ASCII_PUNCT, '').replace(/\s+/g, ' ').trim();
  return text.normalize('NFKC').toLowerCase().replace(/\p{P}+/gu, '').replace(/\s+/gu, ' ').trim();
}

/** 32-bit finaliser of MurmurHash3: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The sorted, distinct 32-bit hashes of the word `k`-shingles of a normalised text (words separated by
 * single spaces). A text of fewer than k words is one shingle (the whole text); an empty text has none.
 */
export function shingleHashes(normalized: string, k = 3): Uint32Array {
  if (normalized === '') return new Uint32Array(0);
  // Word hashes in one pass (FNV-1a, finalised).
  const words: number[] = [];
  let h = FNV_OFFSET;
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized.charCodeAt(i);
    if (c === 32) {
      words.push(fmix32(h));
      h = FNV_OFFSET;
    } else {
      h = Math.imul(h ^ c, FNV_PRIME);
    }
  }
  words.push(fmix32(h));
  let arr: Uint32Array;
  if (words.length < k) {
    let whole = 0x9747b28c;
    for (const w of words) whole = Math.imul(whole ^ w, 0x9e3779b1);
    arr = Uint32Array.of(fmix32(whole));
  } else {
    arr = new Uint32Array(words.length - k + 1);
    for (let i = 0; i + k <= words.length; i++) {
      let s = 0x9747b28c;
      for (let j = 0; j < k; j++) s = Math.imul(s ^ words[i + j], 0x9e3779b1) + j;
      arr[i] = fmix32(s);
    }
    arr.sort();
  }
  let n = 0; // remove repeats in place
  for (let i = 0; i < arr.length; i++) if (i === 0 || arr[i] !== arr[i - 1]) arr[n++] = arr[i];
  return arr.subarray(0, n);
}

/** Exact Jaccard similarity of two sorted, distinct hash sets. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { inter++; i++; j++; } else if (a[i] < b[j]) i++; else j++;
  }
  return inter / (a.length + b.length - inter);
}

/**
 * Bands and rows per band for a similarity threshold: a pair at the threshold becomes a candidate with
 * probability about 99.5% (1 - (1 - t^rows)^bands), and far less similar pairs rarely do.
 */
export function bandsFor(threshold: number): { bands: number; rows: number } {
  const t = Math.min(Math.max(threshold, 0.05), 0.99);
  const rows = Math.min(8, Math.max(1, Math.floor(Math.log(0.4) / Math.log(t))));
  const bands = Math.min(64, Math.max(1, Math.ceil(Math.log(0.005) / Math.log(1 - t ** rows))));
  return { bands, rows };
}

/** Seeds of the hash functions: splitmix32 from a fixed seed, so signatures are the same in every run. */
function seeds(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    out[i] = (z ^ (z >>> 15)) >>> 0;
  }
  return out;
}

/**
 * An LSH index of shingle sets. `add` stores a set; `best` finds the stored set most similar to a query
 * (exact Jaccard, at least the threshold) among those sharing a band with it. With `exhaustive`, every
 * stored set is compared instead (exact, O(n) per query: for small collections).
 */
export class NearIndex<T> {
  private readonly bands: number;
  private readonly rows: number;
  private readonly seeds: Uint32Array;
  private readonly sets: Uint32Array[] = [];
  private readonly values: T[] = [];
  // Buckets: an open-addressing table from band key to the newest entry (slot holds id + 1, 0 = empty);
  // older entries of the same bucket are chained through `next[id * bands + band]`.
  private tableKeys = new Uint32Array(1 << 12);
  private tableBands = new Uint8Array(1 << 12);
  private tableHeads = new Int32Array(1 << 12);
  private tableUsed = 0;
  private next: Int32Array = new Int32Array(1 << 12);
  private stamp: Int32Array = new Int32Array(1 << 10);
  private query = 0;

  constructor(readonly threshold: number, private readonly opts: { seed?: number; exhaustive?: boolean } = {}) {
    const { bands, rows } = bandsFor(threshold);
    this.bands = bands;
    this.rows = rows;
    this.seeds = seeds(bands * rows, opts.seed ?? 0x74727573);
  }

  get size(): number { return this.sets.length; }

  /** Whether queries compare every stored set (no LSH). */
  get exhaustive(): boolean { return this.opts.exhaustive === true; }

  /** The band keys of a shingle set: each band's rows of MinHash values combined into one number. */
  keys(shingles: Uint32Array): Uint32Array {
    const seedArr = this.seeds;
    const k = seedArr.length;
    const mins = new Uint32Array(k);
    for (let i = 0; i < k; i++) {
      const seed = seedArr[i];
      let min = 0xffffffff;
      for (let s = 0; s < shingles.length; s++) {
        // A cheap mix of an already well-spread hash with the function's seed.
        let h = Math.imul(shingles[s] ^ seed, 0x9e3779b1);
        h = (h ^ (h >>> 15)) >>> 0;
        if (h < min) min = h;
      }
      mins[i] = min;
    }
    const out = new Uint32Array(this.bands);
    for (let b = 0; b < this.bands; b++) {
      let h = FNV_OFFSET ^ Math.imul(b + 1, 0x9e3779b1);
      for (let r = 0; r < this.rows; r++) h = Math.imul(h ^ mins[b * this.rows + r], FNV_PRIME);
      out[b] = fmix32(h);
    }
    return out;
  }

  /** Store a set; `keys` (from keys()) saves computing the signature twice when the set was just queried. */
  add(shingles: Uint32Array, value: T, keys?: Uint32Array): void {
    const id = this.sets.length;
    this.sets.push(shingles);
    this.values.push(value);
    if (this.opts.exhaustive || shingles.length === 0) return;
    const k = keys ?? this.keys(shingles);
    if (this.next.length < (id + 1) * this.bands) this.next = grow(this.next, (id + 1) * this.bands);
    if ((this.tableUsed + this.bands) * 2 > this.tableKeys.length) this.rehash();
    for (let b = 0; b < this.bands; b++) {
      const slot = this.find(b, k[b]);
      this.next[id * this.bands + b] = this.tableHeads[slot] - 1;
      if (this.tableHeads[slot] === 0) { this.tableKeys[slot] = k[b]; this.tableBands[slot] = b; this.tableUsed++; }
      this.tableHeads[slot] = id + 1;
    }
  }

  /** The most similar stored value with Jaccard >= threshold (the earliest on a tie), or undefined. */
  best(shingles: Uint32Array, keys?: Uint32Array): { value: T; similarity: number } | undefined {
    if (shingles.length === 0) return undefined;
    let bestId = -1;
    let bestSim = -1;
    const consider = (id: number): void => {
      const sim = jaccard(shingles, this.sets[id]);
      if (sim >= this.threshold && (sim > bestSim || (sim === bestSim && id < bestId))) {
        bestSim = sim;
        bestId = id;
      }
    };
    if (this.opts.exhaustive) {
      for (let id = 0; id < this.sets.length; id++) consider(id);
    } else {
      if (this.stamp.length < this.sets.length) this.stamp = grow(this.stamp, this.sets.length);
      const q = ++this.query;
      const k = keys ?? this.keys(shingles);
      for (let b = 0; b < this.bands; b++) {
        const slot = this.find(b, k[b]);
        for (let id = this.tableHeads[slot] - 1; id >= 0; id = this.next[id * this.bands + b]) {
          if (this.stamp[id] === q) continue;
          this.stamp[id] = q;
          consider(id);
        }
      }
    }
    return bestId < 0 ? undefined : { value: this.values[bestId], similarity: bestSim };
  }

  /** The slot holding band `band`'s `key`, or the empty slot where it would go (linear probing). */
  private find(band: number, key: number): number {
    const mask = this.tableKeys.length - 1;
    let slot = (key ^ Math.imul(band, 0x9e3779b1)) & mask;
    while (this.tableHeads[slot] !== 0 && (this.tableKeys[slot] !== key || this.tableBands[slot] !== band)) slot = (slot + 1) & mask;
    return slot;
  }

  private rehash(): void {
    const oldKeys = this.tableKeys;
    const oldBands = this.tableBands;
    const oldHeads = this.tableHeads;
    this.tableKeys = new Uint32Array(oldKeys.length * 2);
    this.tableBands = new Uint8Array(oldKeys.length * 2);
    this.tableHeads = new Int32Array(oldHeads.length * 2);
    for (let s = 0; s < oldKeys.length; s++) {
      if (oldHeads[s] === 0) continue;
      const slot = this.find(oldBands[s], oldKeys[s]);
      this.tableKeys[slot] = oldKeys[s];
      this.tableBands[slot] = oldBands[s];
      this.tableHeads[slot] = oldHeads[s];
    }
  }
}

function grow(a: Int32Array, min: number): Int32Array {
  const out = new Int32Array(Math.max(min, a.length * 2));
  out.set(a);
  return out;
}
