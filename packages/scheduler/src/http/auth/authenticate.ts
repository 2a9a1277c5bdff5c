// Bearer-token authentication and the route's scope check, before any body is read.
import type { MiddlewareHandler } from 'hono';
import { forbidden, problemResponse, problemTypes } from '../problem.js';
import { routeAccess } from './route-scopes.js';
import { hasScope } from './scopes.js';
import type { TokenRegistry } from './token-registry.js';

function bearerToken(header: string | undefined): string | null {
  const match = header && /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1]! : null;
}

export function authenticate(registry: TokenRegistry): MiddlewareHandler {
  return async (c, next) => {
    const access = routeAccess(c.req.method, c.req.path);
    if (access === 'open') return next();
    const secret = bearerToken(c.req.header('authorization'));
    const principal = secret === null ? null : registry.authenticate(secret);
    if (!principal) {
      return problemResponse(
        c,
        {
          type: problemTypes.unauthorized,
          title: 'Unauthorized',
          status: 401,
          detail: secret === null ? 'Send a token as "Authorization: Bearer <token>".' : 'The bearer token is not valid.',
        },
        { 'www-authenticate': 'Bearer realm="foreman"' },
      );
    }
    if (!access.some((scope) => hasScope(principal, scope))) {
      return problemResponse(c, forbidden(`The token ${JSON.stringify(principal.name)} lacks the scope this route needs: ${access.join(' or ')}.`));
    }
    c.set('principal', principal);
    return next();
  };
}
