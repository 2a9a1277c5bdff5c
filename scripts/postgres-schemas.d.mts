import type pg from 'pg';

export function withPostgres<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T>;
export function freshPostgresSchema(url: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }>;
