// What a token may do. `admin` implies every other scope.
export const scopes = ['producer', 'worker', 'admin'] as const;
export type Scope = (typeof scopes)[number];

/** Who made a request: the token's name, its scopes and the worker ids it may act as (null: any). */
export interface Principal {
  name: string;
  scopes: ReadonlySet<Scope>;
  workerIds: ReadonlySet<string> | null;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has('admin') || principal.scopes.has(scope);
}
