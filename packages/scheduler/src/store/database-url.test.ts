import { describe, expect, it } from 'vitest';
import { databaseLocation, UnsupportedDatabaseError } from './database-url.js';

describe('the --db setting', () => {
  it.each([
    ['postgres://foreman@db:5432/jobs', { kind: 'postgres', url: 'postgres://foreman@db:5432/jobs' }],
    ['postgresql://db/jobs', { kind: 'postgres', url: 'postgresql://db/jobs' }],
    ['./data/foreman.db', { kind: 'sqlite', path: './data/foreman.db' }],
    ['/var/lib/foreman/jobs.db', { kind: 'sqlite', path: '/var/lib/foreman/jobs.db' }],
    ['file:///var/lib/foreman/my%20jobs.db', { kind: 'sqlite', path: '/var/lib/foreman/my jobs.db' }],
    ['sqlite:///var/lib/foreman/jobs.db', { kind: 'sqlite', path: '/var/lib/foreman/jobs.db' }],
    ['sqlite:/var/lib/foreman/jobs.db', { kind: 'sqlite', path: '/var/lib/foreman/jobs.db' }],
    ['sqlite:data/jobs.db', { kind: 'sqlite', path: 'data/jobs.db' }],
    ['C:\\foreman\\jobs.db', { kind: 'sqlite', path: 'C:\\foreman\\jobs.db' }],
  ])('reads %s', (db, location) => {
    expect(databaseLocation(db)).toEqual(location);
  });

  it.each([
    ['mysql://root@localhost/jobs', /a mysql: database is not supported/],
    ['redis://localhost:6379', /a redis: database is not supported/],
    [':memory:', /in-memory database would lose every job/],
    ['sqlite::memory:', /in-memory database would lose every job/],
    ['file::memory:?cache=shared', /in-memory database would lose every job/],
    ['sqlite:', /give a SQLite file path after sqlite:/],
    ['sqlite://', /give a SQLite file path after sqlite:/],
    ['file://otherhost/jobs.db', /is not a file URL of this machine/],
    ['file:///var/lib/foreman/jobs.db?mode=ro', /takes no options/],
    ['file:///var/lib/foreman/jobs.db#backup', /takes no options/],
  ])('refuses %s', (db, message) => {
    expect(() => databaseLocation(db)).toThrow(UnsupportedDatabaseError);
    expect(() => databaseLocation(db)).toThrow(message);
  });
});
