import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDb, schemaVersion } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';

const root = mkdtempSync(join(tmpdir(), 'trustgen-db-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshHome = () => join(root, `home${n++}`, 'nested');

const migrationRows = (db: ReturnType<typeof openDb>) => (db.prepare('SELECT COUNT(*) AS c FROM schema_migrations').get() as { c: number }).c;

test('openDb creates the folder and the database, and runs every migration', () => {
  const home = freshHome();
  const db = openDb(home);
  try {
    assert.ok(existsSync(join(home, 'trustgen.db')));
    assert.equal(migrationRows(db), MIGRATIONS.length);
    assert.equal(schemaVersion(db), Math.max(...MIGRATIONS.map((m) => m.version)));
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    for (const t of ['runs', 'run_stages', 'cases', 'responses', 'judgments', 'cache']) assert.ok(tables.includes(t), `table ${t}`);
  } finally {
    db.close();
  }
});

test('opening the same folder twice runs the migrations once and keeps the data', () => {
  const home = freshHome();
  const db1 = openDb(home);
  db1.prepare("INSERT INTO cache (key, model, result_json, created_at) VALUES ('k', 'm', '{}', 'now')").run();
  db1.close();
  const db2 = openDb(home);
  try {
    assert.equal(migrationRows(db2), MIGRATIONS.length);
    assert.equal(migrate(db2, MIGRATIONS), 0, 'nothing left to run');
    assert.equal(migrationRows(db2), MIGRATIONS.length);
    assert.equal((db2.prepare('SELECT COUNT(*) AS c FROM cache').get() as { c: number }).c, 1);
  } finally {
    db2.close();
  }
});

test('two connections open at once on the same folder both work', () => {
  const home = freshHome();
  const a = openDb(home);
  const b = openDb(home);
  try {
    assert.equal(migrationRows(a), MIGRATIONS.length);
    assert.equal(migrationRows(b), MIGRATIONS.length);
    a.prepare("INSERT INTO cache (key, model, result_json, created_at) VALUES ('k', 'm', '{}', 'now')").run();
    assert.equal((b.prepare('SELECT COUNT(*) AS c FROM cache').get() as { c: number }).c, 1);
  } finally {
    a.close();
    b.close();
  }
});

test('a database from a newer trustgen is refused with a clear error', () => {
  const home = freshHome();
  const db = openDb(home);
  const future = Math.max(...MIGRATIONS.map((m) => m.version)) + 5;
  db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(future, 'from the future', 'now');
  db.close();
  assert.throws(() => openDb(home), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, new RegExp(`version ${future}`));
    assert.match(e.message, /newer than this trustgen knows/);
    assert.match(e.message, /Upgrade trustgen|TRUSTGEN_HOME/);
    return true;
  });
});

test('migrate runs only the missing migrations, in version order, atomically', () => {
  const db = openDb(root, ':memory:');
  try {
    const extra = [
      { version: 1001, name: 'b', sql: 'CREATE TABLE t_b (x INTEGER); INSERT INTO t_a VALUES (2);' },
      { version: 1000, name: 'a', sql: 'CREATE TABLE t_a (x INTEGER); INSERT INTO t_a VALUES (1);' },
    ];
    assert.equal(migrate(db, [...MIGRATIONS, ...extra]), 2);
    assert.deepEqual((db.prepare('SELECT x FROM t_a ORDER BY rowid').all() as { x: number }[]).map((r) => r.x), [1, 2]);
    assert.equal(migrate(db, [...MIGRATIONS, ...extra]), 0);

    const broken = { version: 1002, name: 'broken', sql: 'CREATE TABLE t_c (x INTEGER); THIS IS NOT SQL;' };
    assert.throws(() => migrate(db, [...MIGRATIONS, ...extra, broken]));
    assert.equal(schemaVersion(db), 1001, 'a failed migration is not recorded');
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 't_c'").get(), undefined, 'and leaves nothing behind');
  } finally {
    db.close();
  }
});
