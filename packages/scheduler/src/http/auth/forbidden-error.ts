// A request whose token may not do what it asks: answered 403.
export class ForbiddenError extends Error {
  readonly code = 'forbidden';
}
