import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** The certificate authority a client must trust (`tlsCAFile`). */
  caFile: string;
  /** The server's certificate (signed by that authority, for 127.0.0.1 and localhost) and its private key. */
  cert: Buffer;
  key: Buffer;
  /** Another authority, which did not sign the server's certificate: a client trusting only it must refuse the server. */
  otherCaFile: string;
  remove(): void;
}

/**
 * A certificate authority and a server certificate it signed, as a secured EventStoreDB cluster has, made
 * afresh in a temporary directory with the `openssl` command: no private key is kept in the repository.
 */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'esdb-tls-'));
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    } catch (error) {
      const { code, stderr } = error as { code?: string; stderr?: Buffer };
      throw new Error(
        code === 'ENOENT'
          ? 'The TLS tests make their certificates with the openssl command, which is not installed here.'
          : `openssl ${args[0]} failed: ${stderr?.toString() ?? String(error)}`,
      );
    }
  };
  const authority = (name: string) =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
    );
  authority('test-ca');
  authority('other-ca');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=eventstoredb-node', '-keyout', 'node.key', '-out', 'node.csr');
  // Clients check the name they dialled against the certificate's subject alternative names.
  const ext = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n';
  writeFileSync(join(dir, 'node.ext'), ext);
  openssl(
    'x509',
    '-req',
    '-in',
    'node.csr',
    '-CA',
    'test-ca.crt',
    '-CAkey',
    'test-ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'node.ext',
    '-out',
    'node.crt',
  );
  return {
    caFile: join(dir, 'test-ca.crt'),
    cert: readFileSync(join(dir, 'node.crt')),
    key: readFileSync(join(dir, 'node.key')),
    otherCaFile: join(dir, 'other-ca.crt'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
