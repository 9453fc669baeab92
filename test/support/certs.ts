/**
 * A throwaway PKI made with the openssl CLI: a CA, a server certificate for 127.0.0.1 and a client
 * certificate, all signed by the CA (EC P-256 keys: fast to generate).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  caFile: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate from a different CA (must be refused). */
  strangerCert: string;
  strangerKey: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`]);
}

function makeLeaf(dir: string, name: string, ca: string, cn: string, extensions: string): void {
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  writeFileSync(join(dir, `${name}.ext`), extensions + '\n');
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
}

export function makeTestPki(dir: string): TestPki {
  makeCa(dir, 'ca');
  makeCa(dir, 'otherca');
  makeLeaf(dir, 'server', 'ca', '127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth');
  makeLeaf(dir, 'client', 'ca', 'spruce-bridge', 'extendedKeyUsage=clientAuth');
  makeLeaf(dir, 'stranger', 'otherca', 'stranger', 'extendedKeyUsage=clientAuth');
  const f = (name: string): string => join(dir, name);
  return {
    caFile: f('ca.crt'),
    serverCert: f('server.crt'),
    serverKey: f('server.key'),
    clientCert: f('client.crt'),
    clientKey: f('client.key'),
    strangerCert: f('stranger.crt'),
    strangerKey: f('stranger.key'),
  };
}
