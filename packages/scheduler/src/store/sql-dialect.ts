// The few places where SQLite and PostgreSQL need different SQL, named in one object per
// database instead of `if (sqlite)` branches scattered through the queries.
import type { ColumnDefinitionBuilder } from 'kysely';

export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Column type for millisecond timestamps and durations (64-bit). */
  readonly millisType: 'integer' | 'bigint';
  /** Column type of the auto-incrementing event id. */
  readonly serialType: 'integer' | 'bigserial';
  serialPrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** SQLite can index a computed (virtual) column; PostgreSQL only a stored one. */
  readonly generatedColumnStorage: 'VIRTUAL' | 'STORED';
  /**
   * Whether the queries that pick jobs to change (claims, promotions of due jobs, lease expiries)
   * must lock the rows they pick (`FOR UPDATE`, mostly `SKIP LOCKED`). SQLite has a single
   * writer, so they never race; on PostgreSQL, replicas' do.
   */
  readonly lockClaimedRows: boolean;
  /**
   * Whether an operation writes its jobs' transitions in one statement per set of changed columns
   * rather than one per job. Each PostgreSQL statement is a round trip (W1 on PostgreSQL: 2,698 →
   * 5,132–5,453 jobs/s). A SQLite statement is a function call, and one per job measured slightly
   * cheaper (scheduler CPU per 1,000 W1 jobs 0.067–0.068 s, against 0.070–0.081 s together).
   */
  readonly writesTransitionsTogether: boolean;
  /**
   * Rows each per-status count is spread over (005-count-stripes). PostgreSQL's concurrent
   * transactions each pick one, so they do not wait on each other's count rows; SQLite's single
   * writer needs one.
   */
  readonly countStripes: number;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  millisType: 'integer',
  serialType: 'integer',
  serialPrimaryKey: (column) => column.primaryKey().autoIncrement(),
  generatedColumnStorage: 'VIRTUAL',
  lockClaimedRows: false,
  writesTransitionsTogether: false,
  countStripes: 1,
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  millisType: 'bigint',
  serialType: 'bigserial',
  serialPrimaryKey: (column) => column.primaryKey(),
  generatedColumnStorage: 'STORED',
  lockClaimedRows: true,
  writesTransitionsTogether: true,
  countStripes: 8,
};
