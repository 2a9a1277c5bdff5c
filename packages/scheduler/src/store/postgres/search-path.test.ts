import { describe, expect, it } from 'vitest';
import { searchPathSchemas, tableSchema } from './search-path.js';

describe('searchPathSchemas', () => {
  it('reads names as PostgreSQL does: quoted kept, unquoted lower-cased in ASCII only', () => {
    expect(searchPathSchemas('"$user", public')).toEqual(['$user', 'public']);
    expect(searchPathSchemas('Foreman,"Mixed Case","a""b"')).toEqual(['foreman', 'Mixed Case', 'a"b']);
    expect(searchPathSchemas('ÉQUIPE')).toEqual(['Équipe']);
    expect(searchPathSchemas('""')).toEqual(['']);
    expect(searchPathSchemas('')).toEqual([]);
  });
});

describe('tableSchema', () => {
  const existing = new Set(['public', 'alice']);

  it('takes the first schema that exists, the user\'s own only where it does', () => {
    expect(tableSchema('"$user", public', 'bob', existing)).toEqual({ schema: 'public', create: false });
    expect(tableSchema('"$user", public', 'alice', existing)).toEqual({ schema: 'alice', create: false });
  });

  it('creates a schema named before the first that exists', () => {
    expect(tableSchema('foreman, public', 'bob', existing)).toEqual({ schema: 'foreman', create: true });
    expect(tableSchema('"$user"', 'bob', existing)).toEqual({ schema: 'bob', create: true });
  });

  it('has nothing to offer for an empty search_path', () => {
    expect(tableSchema('', 'bob', existing)).toBeNull();
  });
});
