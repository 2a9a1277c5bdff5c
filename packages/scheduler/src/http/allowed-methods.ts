// Which methods a path answers to, so a request with another method gets 405 and `Allow`
// rather than a 404 that suggests the path does not exist.
import type { Hono } from 'hono';

interface RouteMatcher {
  pattern: RegExp;
  method: string;
}

function matcherFor(path: string, method: string): RouteMatcher {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { pattern: new RegExp(`^${source}$`), method };
}

/** Returns the methods each path of `app` allows, as `Allow` lists them; call once every route is added. */
export function allowedMethods(app: Hono): (path: string) => string[] {
  // Middleware is registered as `ALL`; only real routes say what a path allows.
  const matchers = app.routes.filter((route) => route.method !== 'ALL').map((route) => matcherFor(route.path, route.method));
  return (path) => {
    const methods = new Set(matchers.filter((matcher) => matcher.pattern.test(path)).map((matcher) => matcher.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
