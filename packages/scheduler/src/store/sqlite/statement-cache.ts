// Keeps each distinct SQL text prepared once: preparing costs more than running a hot statement.
import type BetterSqlite3 from 'better-sqlite3';

/** Distinct SQL texts are few (kysely emits one per query shape and `IN` list length). */
const maxStatements = 2000;

export class StatementCache {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly db: BetterSqlite3.Database) {}

  get(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= maxStatements) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
