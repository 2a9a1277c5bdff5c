// A fresh schema in a PostgreSQL database for one scheduler under test or benchmark, so that
// runs never see each other's tables; dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Runs `use` on a connection of its own to `url`, closed afterwards. */
export async function withPostgres(url, use) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A new schema named `${prefix}_…`; `url` connects to it (what the scheduler's `--db` takes). */
export async function freshPostgresSchema(url, prefix) {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withPostgres(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return { url: scoped.toString(), drop: () => withPostgres(url, async (client) => void (await client.query(`DROP SCHEMA ${schema} CASCADE`))) };
}
