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
   * Whether the claim query must lock the rows it picks (`FOR UPDATE SKIP LOCKED`).
   * SQLite has a single writer, so its claims never race; PostgreSQL's do.
   */
  readonly lockClaimedRows: boolean;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  millisType: 'integer',
  serialType: 'integer',
  serialPrimaryKey: (column) => column.primaryKey().autoIncrement(),
  generatedColumnStorage: 'VIRTUAL',
  lockClaimedRows: false,
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  millisType: 'bigint',
  serialType: 'bigserial',
  serialPrimaryKey: (column) => column.primaryKey(),
  generatedColumnStorage: 'STORED',
  lockClaimedRows: true,
};
