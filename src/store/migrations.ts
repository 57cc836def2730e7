/**
 * Versioned schema migrations. Append new entries; never edit a released one.
 * Each runs once, in order, inside a transaction; `schema_migrations` records which ran.
 */
export interface Migration { version: number; name: string; sql: string }

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        status TEXT NOT NULL,            -- running | interrupted | complete | complete_with_errors | failed
        config_json TEXT NOT NULL,       -- the resolved config (never any secret)
        seed INTEGER NOT NULL,
        trustgen_version TEXT NOT NULL,
        results_json TEXT                -- the last results.json written for the run
      );
      CREATE TABLE run_stages (
        run_id TEXT NOT NULL REFERENCES runs(id),
        stage TEXT NOT NULL,             -- curate | build | vary | respond | judge | score
        status TEXT NOT NULL,            -- done
        count INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, stage)
      );
      CREATE TABLE cases (
        run_id TEXT NOT NULL REFERENCES runs(id),
        case_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        dimension TEXT NOT NULL,
        subdimension TEXT NOT NULL,
        modality TEXT NOT NULL,
        messages_json TEXT NOT NULL,
        judge_json TEXT NOT NULL,
        tags_json TEXT NOT NULL,
        provenance_json TEXT NOT NULL,
        PRIMARY KEY (run_id, case_id)
      );
      CREATE INDEX cases_run_seq ON cases(run_id, seq);
      CREATE TABLE responses (
        run_id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        model TEXT NOT NULL,
        status TEXT NOT NULL,            -- ok | error
        text TEXT,
        finish_reason TEXT,              -- stop | length | policy | other
        policy_detail TEXT,
        error TEXT,
        input_tokens INTEGER,
        output_tokens INTEGER,
        latency_ms REAL,
        attempts INTEGER NOT NULL DEFAULT 1,
        cached INTEGER NOT NULL DEFAULT 0,
        request_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, case_id, model)
      );
      CREATE TABLE judgments (
        run_id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        model TEXT NOT NULL,
        judge TEXT NOT NULL,
        label TEXT NOT NULL,
        score REAL,
        reason TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, case_id, model)
      );
      CREATE TABLE cache (
        key TEXT PRIMARY KEY,            -- sha256 of the canonical request (model, endpoint, messages, params); never a key
        model TEXT NOT NULL,
        result_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'judgment answers',
    sql: `
      -- The answer a judge read from a response (an option letter, true/false, a label), when it reads one.
      -- Pair metrics (robustness agreement, sycophancy) compare these across a case and its variants.
      ALTER TABLE judgments ADD COLUMN answer TEXT;
    `,
  },
  {
    version: 3,
    name: 'annotations and viewer indexes',
    sql: `
      -- A person's verdict on a judgement (one per run, case and model; the latest replaces the earlier).
      -- verdict 'wrong' carries the right label and whether that label passes (score 1 or 0); 'correct' leaves them null.
      CREATE TABLE annotations (
        run_id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        model TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'wrong')),
        label TEXT,
        score REAL,
        note TEXT,
        annotator TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, case_id, model)
      );
      -- The viewer pages a run's cases by seq within a dimension or a sub-dimension without sorting the run.
      CREATE INDEX cases_run_dim_seq ON cases(run_id, dimension, seq);
      CREATE INDEX cases_run_dim_sub_seq ON cases(run_id, dimension, subdimension, seq);
    `,
  },
  {
    version: 4,
    name: 'case expected answers',
    sql: `
      -- The known right answer of a case (format, answer, choices, aliases) as JSON, for cases that have one.
      ALTER TABLE cases ADD COLUMN expected_json TEXT;
    `,
  },
];
