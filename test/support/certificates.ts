// A private CA and a server certificate for 127.0.0.1 and localhost, made with openssl for one test run.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.js';

export interface TestCertificates {
  ca: string;
  /** The CA's private key: a key that is not the server certificate's. */
  caKey: string;
  cert: string;
  key: string;
  /** A file that is no PEM at all. */
  notPem: string;
  remove(): void;
}

export function makeCertificates(): TestCertificates {
  const dir = tempDir('foreman-tls-');
  const path = (name: string) => join(dir.path, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Foreman test CA', '-keyout', path('ca.key'), '-out', path('ca.pem'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', path('server.key'), '-out', path('server.csr'));
  writeFileSync(path('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(
    'x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', path('server.ext'), '-out', path('server.pem'),
  );
  return { ca: path('ca.pem'), caKey: path('ca.key'), cert: path('server.pem'), key: path('server.key'), notPem: path('server.ext'), remove: dir.remove };
}
