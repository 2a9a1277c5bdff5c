import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteTransactor } from './sqlite-transactor.js';

interface Db {
  items: { name: string };
}

let dir: string;
let writeDb: BetterSqlite3.Database;
let transactor: SqliteTransactor;
let db: Kysely<Db>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'foreman-transactor-'));
  const file = join(dir, 'test.db');
  writeDb = new BetterSqlite3(file);
  writeDb.pragma('journal_mode = WAL');
  writeDb.exec('CREATE TABLE items (name TEXT PRIMARY KEY)');
  transactor = new SqliteTransactor(writeDb, new BetterSqlite3(file, { readonly: true }));
  db = new Kysely<Db>({ dialect: new SqliteDialect({ database: writeDb }) });
});
afterEach(async () => {
  await transactor.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (name: string) => db.insertInto('items').values({ name });
const names = async () => (await transactor.reader.all(db.selectFrom('items').select('name').orderBy('name'))).map((row) => row.name);

describe('SqliteTransactor', () => {
  it('commits concurrent writes together while one failing write rolls back only its own changes', async () => {
    const outcomes = await Promise.allSettled([
      transactor.write(async (tx) => tx.run(insert('a'))),
      transactor.write(async (tx) => {
        await tx.run(insert('b'));
        await tx.run(insert('a')); // duplicate key: this write fails as a whole
      }),
      transactor.write(async (tx) => tx.run(insert('c'))),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await names()).toEqual(['a', 'c']);
  });

  it('lets readers see only committed data', async () => {
    const pending = transactor.write(async (tx) => tx.run(insert('x')));
    expect(await names()).toEqual([]);
    await pending;
    expect(await names()).toEqual(['x']);
  });

  it('finishes queued writes before closing', async () => {
    const writes = ['p', 'q', 'r'].map((name) => transactor.write(async (tx) => tx.run(insert(name))));
    await transactor.close();
    await Promise.all(writes);
    const reopened = new BetterSqlite3(join(dir, 'test.db'), { readonly: true });
    expect(reopened.prepare('SELECT count(*) AS n FROM items').get()).toEqual({ n: 3 });
    reopened.close();
    transactor = new SqliteTransactor(new BetterSqlite3(join(dir, 'test.db')), new BetterSqlite3(join(dir, 'test.db'), { readonly: true }));
  });
});
