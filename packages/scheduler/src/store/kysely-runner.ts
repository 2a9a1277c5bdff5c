// Runs compiled kysely queries through kysely's own executor (a pool, or one transaction).
import type { Compilable, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { QueryRunner } from './transactor.js';

export class KyselyRunner implements QueryRunner {
  constructor(private readonly executor: Kysely<Database> | Transaction<Database>) {}

  async all<R>(query: Compilable<R>): Promise<R[]> {
    return (await this.executor.executeQuery(query.compile())).rows;
  }

  async first<R>(query: Compilable<R>): Promise<R | undefined> {
    return (await this.all(query))[0];
  }

  async run(query: Compilable<unknown>): Promise<number> {
    const result = await this.executor.executeQuery(query.compile());
    return Number(result.numAffectedRows ?? result.rows.length);
  }
}
