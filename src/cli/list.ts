import { Command } from 'commander';
import { allDimensions } from '../dimensions/registry.js';
import { providerFactories } from '../providers/registry.js';
import { UserInputError } from '../providers/types.js';
import { openDb } from '../store/db.js';
import { RunStore } from '../store/runs.js';
import { trustgenHome } from '../util/paths.js';
import { listJudges } from '../judges/catalog.js';

type Row = Record<string, unknown>;

const WHAT = ['dimensions', 'models', 'judges', 'attacks', 'runs'] as const;

function rows(what: string): Row[] {
  switch (what) {
    case 'dimensions':
      return allDimensions().map((d) => ({ id: d.id, name: d.name, modalities: d.modalities, judgeKinds: d.judgeKinds, description: d.description,
        subdimensions: d.subdimensions.map((s) => ({ id: s.id, name: s.name, metric: s.metric, scoring: s.scoring ?? 'pass-rate', facet: s.facet ?? null, dataset: s.dataset ?? null, description: s.description })) }));
    case 'models':
      return providerFactories().map((f) => ({ prefix: f.prefix, kind: f.kind, spec: `${f.prefix}:MODEL`, env: f.env, description: f.description }));
    case 'judges':
      return listJudges();
    case 'attacks':
      return allDimensions().flatMap((d) => (d.attacks ? d.attacks().map((a) => ({ dimension: d.id, ...a })) : []));
    case 'runs': {
      const db = openDb(trustgenHome());
      try {
        return new RunStore(db).list(100).map((r) => ({ id: r.id, status: r.status, created: r.created_at, models: (JSON.parse(r.config_json) as { models: string[] }).models }));
      } finally { db.close(); }
    }
    default:
      throw new UserInputError(`Cannot list "${what}". Choose one of: ${WHAT.join(', ')}.`);
  }
}

function text(what: string, list: Row[]): string {
  return list.map((r) => {
    switch (what) {
      case 'dimensions': return `${r.id}\t${r.name}: ${(r.subdimensions as Row[]).map((s) => s.id).join(', ')}`;
      case 'models': return `${r.spec}\t${r.description}${(r.env as string[]).length ? ` [${(r.env as string[]).join(', ')}]` : ''}`;
      case 'judges': return `${r.id}\t${r.kind}\tneeds: ${r.needs}\t${r.description}`;
      case 'attacks': return `${r.id}\t${r.subdimension}\t${r.name}`;
      default: return `${r.id}\t${r.status}\t${r.created}\t${(r.models as string[]).join(', ')}`;
    }
  }).join('\n');
}

export function listCommand(): Command {
  return new Command('list')
    .description(`List what trustgen knows: ${WHAT.join(', ')}.`)
    .argument('<what>', WHAT.join('|'))
    .option('--json', 'print JSON')
    .action((what: string, opts: { json?: boolean }) => {
      const list = rows(what);
      process.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : `${text(what, list)}\n`);
    });
}
