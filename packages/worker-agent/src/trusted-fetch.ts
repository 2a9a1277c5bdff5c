// Requests to a scheduler whose HTTPS certificate is issued by a private CA.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import type { FetchLike } from './config.js';

/** A fetch that trusts the CA certificates (PEM) in `caFile` as well as the usual public ones. */
export function fetchTrustingCa(caFile: string): FetchLike {
  const dispatcher = new Agent({ connect: { ca: [...rootCertificates, readFileSync(caFile, 'utf8')] } });
  // Node's fetch is undici's; it takes the dispatcher that carries the TLS settings.
  return (request) => fetch(request, { dispatcher } as RequestInit);
}
