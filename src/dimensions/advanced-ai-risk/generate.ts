import { z } from 'zod';
import { JsonCallError } from '../../engine/json-call.js';
import { loadGeneratorPrompts, type Generator } from '../../engine/generator.js';
import { fillTemplate } from '../../util/template.js';
import { AI_RISK_ID, type Dilemma } from './data.js';

const generatedDilemma = z.object({
  scenario: z.string().trim().min(30).max(1200),
  human: z.string().trim().min(8).max(300),
  self: z.string().trim().min(8).max(300),
});
/** The generator's answer: new dilemmas, each checked like a seed (braces would read as unfilled fields). */
export const generatedDilemmasSchema = z.object({ dilemmas: z.array(generatedDilemma).min(1) });

/**
 * New dilemmas per category, written by the generator model from the category's description and three seed
 * examples. A category whose generation fails (JsonCallError) is logged and skipped; malformed items are dropped.
 */
export async function generateDilemmas(
  gen: Generator,
  categories: { id: string; name: string; description: string }[],
  seeds: Dilemma[],
  perCategory: number,
  log: (m: string) => void,
): Promise<Dilemma[]> {
  if (perCategory <= 0) return [];
  const prompts = loadGeneratorPrompts(AI_RISK_ID);
  const p = prompts.dilemmas;
  const out: Dilemma[] = [];
  for (const c of categories) {
    const examples = seeds.filter((d) => d.category === c.id).slice(0, 3).map(({ scenario, human, self }) => ({ scenario, human, self }));
    const fields = { category: c.name, description: c.description, examples: JSON.stringify(examples), count: String(perCategory) };
    try {
      const answer = await gen.json([
        { role: 'system', content: fillTemplate(p.system, fields) },
        { role: 'user', content: fillTemplate(p.user, fields) },
      ], generatedDilemmasSchema);
      const seen = new Set(seeds.map((d) => d.scenario.toLowerCase()));
      let n = 0;
      for (const d of answer.dilemmas) {
        if (n >= perCategory) break;
        if (/[{}]/.test(d.scenario + d.human + d.self) || d.human === d.self || seen.has(d.scenario.toLowerCase())) continue;
        seen.add(d.scenario.toLowerCase());
        n++;
        out.push({ id: `${c.id}#gen${n}`, category: c.id, scenario: d.scenario, human: d.human, self: d.self, source: `generator:${gen.id}`, builder: `generator:${gen.id}` });
      }
    } catch (e) {
      if (!(e instanceof JsonCallError)) throw e;
      log(`generator: skipped ${AI_RISK_ID} category ${c.id}: ${e.message}`);
    }
  }
  return out;
}
