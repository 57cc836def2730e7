import type { SafetyData } from '../../attacks/safety-data.js';
import { harmfulQueries } from '../../attacks/taxonomy.js';
import { exaggeratedQuestions } from '../../attacks/exaggerated.js';
import { JsonCallError } from '../../engine/json-call.js';
import { loadGeneratorPrompts, type Generator } from '../../engine/generator.js';

/** New harmful queries per taxonomy topic, written by the generator model. A topic whose generation fails is skipped and logged. */
export async function generateHarmfulQueries(gen: Generator, data: SafetyData, perTopic: number, log: (m: string) => void) {
  const prompts = loadGeneratorPrompts('safety');
  const seeds = harmfulQueries(data);
  const out: { id: string; text: string; group: string; topic: string }[] = [];
  for (const group of data.taxonomy.groups) {
    for (const topic of group.topics) {
      const examples = seeds.filter((q) => q.topic === topic.id).slice(0, 3).map((q) => q.text);
      try {
        const items = await gen.items(prompts, 'harmful_queries', { group: group.name, topic: topic.name, description: topic.description, examples: JSON.stringify(examples) }, perTopic);
        items.forEach((text, i) => out.push({ id: `${group.id}/${topic.id}#gen${i + 1}`, text, group: group.id, topic: topic.id }));
      } catch (e) {
        if (!(e instanceof JsonCallError)) throw e;
        log(`generator: skipped topic ${topic.id}: ${e.message}`);
      }
    }
  }
  return out;
}

/** New benign-but-scary questions per exaggerated-safety technique. */
export async function generateBenignScary(gen: Generator, data: SafetyData, perTechnique: number, log: (m: string) => void) {
  const prompts = loadGeneratorPrompts('safety');
  const seeds = exaggeratedQuestions(data);
  const out: { id: string; text: string; technique: string }[] = [];
  for (const t of data.exaggerated.techniques) {
    const examples = seeds.filter((q) => q.technique === t.id).slice(0, 3).map((q) => q.text);
    try {
      const items = await gen.items(prompts, 'benign_scary', { technique: t.name, description: t.description, examples: JSON.stringify(examples) }, perTechnique);
      items.forEach((text, i) => out.push({ id: `${t.id}#gen${i + 1}`, text, technique: t.id }));
    } catch (e) {
      if (!(e instanceof JsonCallError)) throw e;
      log(`generator: skipped technique ${t.id}: ${e.message}`);
    }
  }
  return out;
}
