// Which database a --db setting names, decided without loading either database's driver.

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}
