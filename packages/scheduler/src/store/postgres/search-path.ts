// Which schema the tables belong in, read off the connection's search_path as PostgreSQL reads it.

/** The schema names of a search_path setting: quoted names kept, unquoted ones lower-cased (ASCII only, as PostgreSQL does), `$user` as it stands. */
export function searchPathSchemas(path: string): string[] {
  const names: string[] = [];
  for (const match of path.matchAll(/\s*(?:"((?:[^"]|"")*)"|([^,\s]+))\s*(?:,|$)/g)) {
    names.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]!.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()));
  }
  return names;
}

/**
 * The first schema of the search_path that exists, as PostgreSQL would create tables in, unless a
 * schema named before it does not exist yet: then that one, to be created (`search_path=foreman,public`
 * means foreman, not public). `$user` counts only where the user's schema exists, as in PostgreSQL.
 */
export function tableSchema(path: string, user: string, existing: ReadonlySet<string>): { schema: string; create: boolean } | null {
  const names = searchPathSchemas(path);
  for (const name of names) {
    if (name !== '$user') return { schema: name, create: !existing.has(name) };
    if (existing.has(user)) return { schema: user, create: false };
  }
  return names.includes('$user') ? { schema: user, create: true } : null;
}
