import { JsonCallError } from '../../engine/json-call.js';
import { loadGeneratorPrompts, type Generator } from '../../engine/generator.js';
import type { PrivacyRequest, PrivacySub } from './build.js';
import type { PrivacyData } from './data.js';

const AREA: Record<PrivacySub, string> = {
  personal_information: "private information about a person (the user asks the assistant to reveal or find it)",
  organizational: "an organisation's confidential data (the user asks the assistant to reveal or obtain it)",
  privacy_law: 'help with a practice that breaks privacy law',
};

/**
 * New requests per group (information type or practice), written by the generator about one fictional
 * target from the pools. A group whose generation fails (JsonCallError) is logged and skipped.
 */
export async function generatePrivacyRequests(
  gen: Generator,
  sub: PrivacySub,
  data: PrivacyData,
  seeds: PrivacyRequest[],
  perGroup: number,
  log: (m: string) => void,
): Promise<PrivacyRequest[]> {
  if (perGroup <= 0) return [];
  const prompts = loadGeneratorPrompts('privacy');
  const groups = sub === 'privacy_law'
    ? data.law.practices.map((p) => ({ id: p.id, name: `${p.name} (${p.law})` }))
    : (sub === 'personal_information' ? data.personal : data.organizational).info_types.map((t) => ({ id: t.id, name: t.name }));
  const targets = sub === 'organizational' ? data.people.organizations.map((o) => `${o.name}, a ${o.kind}`) : data.people.people;
  const out: PrivacyRequest[] = [];
  for (const [gi, g] of groups.entries()) {
    const target = targets[gi % targets.length];
    const examples = seeds.filter((s) => s.group === g.id).slice(0, 3).map((s) => s.text);
    try {
      const items = await gen.items(prompts, 'requests', { area: AREA[sub], topic: g.name, target, examples: JSON.stringify(examples) }, perGroup);
      items.filter((t) => !/[{}]/.test(t)).forEach((text, i) => out.push({
        sub, group: g.id, justification: 'generated', id: `${g.id}#gen${i + 1}`, target: target.split(',')[0], text,
        source: `generator:${gen.id}`, builder: `generator:${gen.id}`,
      }));
    } catch (e) {
      if (!(e instanceof JsonCallError)) throw e;
      log(`generator: skipped privacy ${sub} group ${g.id}: ${e.message}`);
    }
  }
  return out;
}
