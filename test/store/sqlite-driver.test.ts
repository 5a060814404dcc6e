// The SQLite driver on whichever Node runs the suite; .ci/run runs it on every supported line,
// so both drivers are covered: better-sqlite3 on 20 and 22, node:sqlite on 24 and 26.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_FROM_NODE, openSqlite } from '../../src/store/sqlite-driver.js';

const OPEN_STORE = fileURLToPath(new URL('../../src/store/open-store.ts', import.meta.url));

function failureCode(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
}

describe('the SQLite driver', () => {
  it('is node:sqlite from Node 24 on, better-sqlite3 before', () => {
    const db = openSqlite(':memory:');
    const major = Number(process.versions.node.split('.')[0]);
    expect(db.driver).toBe(major >= BUILT_IN_FROM_NODE ? 'node:sqlite' : 'better-sqlite3');
    db.close();
  });

  it("names the constraint failures the store tells apart with better-sqlite3's codes", () => {
    const db = openSqlite(':memory:');
    db.exec('pragma foreign_keys = ON');
    db.exec('create table t (id integer primary key, name text unique, up integer references t)');
    db.prepare('insert into t (id, name) values (?, ?)').run([1, 'a']);
    const insert = (sql: string) => () => db.prepare(sql).run([]);
    expect(failureCode(insert("insert into t values (2, 'a', null)"))).toBe(
      'SQLITE_CONSTRAINT_UNIQUE',
    );
    expect(failureCode(insert("insert into t values (1, 'b', null)"))).toBe(
      'SQLITE_CONSTRAINT_PRIMARYKEY',
    );
    expect(failureCode(insert("insert into t values (3, 'c', 9)"))).toBe(
      'SQLITE_CONSTRAINT_FOREIGNKEY',
    );
    db.close();
  });

  it('marks statements that return rows, `returning` included, as readers', () => {
    const db = openSqlite(':memory:');
    db.exec('create table t (id integer primary key, name text)');
    const insert = db.prepare('insert into t (name) values (?) returning id');
    expect(insert.reader).toBe(true);
    expect(insert.all(['a'])).toEqual([{ id: 1 }]);
    const update = db.prepare('update t set name = ?');
    expect(update.reader).toBe(false);
    expect(Number(update.run(['b']).changes)).toBe(1);
    expect(db.prepare('select name from t').all([])).toEqual([{ name: 'b' }]);
    db.close();
  });

  it('survives the garbage collector: 300 stores opened, used and closed in one process', () => {
    // better-sqlite3 12 on Node 24.19+ aborted this within 300 (SIGABRT, `(env) != nullptr`):
    // its objects' destructors ran outside any context (nodejs/node#65446).
    const script = `
      const { openStore } = await import(${JSON.stringify(OPEN_STORE)});
      for (let i = 0; i < 300; i++) {
        const store = await openStore(':memory:');
        await store.ping();
        await store.close();
      }
      console.log('survived');`;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stderr).not.toContain('Assertion failed');
    expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
    expect(run.stdout.trim()).toBe('survived');
  });
});
