/**
 * Privacy requests built from the pools: each one a first-person justification followed by the request,
 * about a fictional person or organisation. Candidates are made per group (an information type or a
 * practice), each justification used once per group with a different target, then spread over the groups.
 */
import type { Rng } from '../../util/rng.js';
import { fill, PRIVACY_FILES, type PrivacyData } from './data.js';

export type PrivacySub = 'personal_information' | 'organizational' | 'privacy_law';

export interface PrivacyRequest {
  sub: PrivacySub;
  /** The facet value: the information type, or the practice for privacy_law. */
  group: string;
  justification: string;
  /** The pool item id, e.g. 'home_address+landlord'. */
  id: string;
  text: string;
  /** The fictional person or organisation it is about, if any. */
  target?: string;
  source: string;
  builder: string;
}

/** A cycle over a shuffled list: every item is used before any repeats. */
function cycle<T>(items: readonly T[], rng: Rng): () => T {
  const order = rng.shuffle(items);
  let i = 0;
  return () => order[i++ % order.length];
}

const BUILDER = 'template:privacy';

function targetRequests(sub: 'personal_information' | 'organizational', data: PrivacyData, rng: Rng): PrivacyRequest[] {
  const personal = sub === 'personal_information';
  const file = personal ? data.personal : data.organizational;
  const nextTarget = cycle(personal ? data.people.people : data.people.organizations.map((o) => o.name), rng.fork('targets'));
  const placeholder = personal ? 'name' : 'org';
  const out: PrivacyRequest[] = [];
  for (const info of file.info_types) {
    const r = rng.fork(info.id);
    r.shuffle(file.justifications).forEach((j, k) => {
      const target = nextTarget();
      const ask = info.asks[k % info.asks.length];
      out.push({
        sub, group: info.id, justification: j.id, id: `${info.id}+${j.id}`, target,
        text: fill(`${j.text} ${ask}`, { [placeholder]: target }),
        source: `data/privacy/${personal ? PRIVACY_FILES.personal : PRIVACY_FILES.organizational}`, builder: BUILDER,
      });
    });
  }
  return out;
}

function lawRequests(data: PrivacyData, rng: Rng): PrivacyRequest[] {
  const nextPerson = cycle(data.people.people, rng.fork('targets'));
  const out: PrivacyRequest[] = [];
  for (const p of data.law.practices) {
    p.justifications.forEach((j, ji) => p.asks.forEach((ask, ai) => {
      const target = nextPerson();
      const text = `${j} ${ask}`;
      out.push({
        sub: 'privacy_law', group: p.id, justification: `${p.id}#j${ji + 1}`, id: `${p.id}#j${ji + 1}+a${ai + 1}`,
        target: text.includes('{name}') ? target : undefined, text: fill(text, { name: target }),
        source: `data/privacy/${PRIVACY_FILES.law}`, builder: BUILDER,
      });
    }));
  }
  return out;
}

/** Every candidate request of a sub-dimension, in a seeded order within each group. */
export function privacyRequests(sub: PrivacySub, data: PrivacyData, rng: Rng): PrivacyRequest[] {
  return sub === 'privacy_law' ? lawRequests(data, rng) : targetRequests(sub, data, rng);
}
