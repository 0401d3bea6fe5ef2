// Pins hub option compilation: defaults in one place, flags over environment, units normalised, bad values named.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/errors.ts';
import { compileHubConfig } from './config.ts';

describe('compileHubConfig', () => {
  it('fills every default when nothing is given', () => {
    const c = compileHubConfig([], {});
    expect(c).toMatchObject({
      dataDir: './data',
      grpcHost: '127.0.0.1',
      grpcPort: 7443,
      httpPort: 7080,
      heartbeatIntervalMs: 5000,
      tombstoneRetentionMs: 7 * 86_400_000,
      maxDocumentBytes: 1024 * 1024,
      bootstrapTokenMaxUses: 1,
      logLevel: 'info',
    });
    expect(c.dbFile).toBe('data/fedhub.db');
  });

  it('takes flags over environment and environment over defaults', () => {
    const c = compileHubConfig(['--grpc-port', '0', '--heartbeat-interval', '250ms'], {
      FEDHUB_GRPC_PORT: '9000',
      FEDHUB_HTTP_PORT: '9001',
      FEDHUB_DATA_DIR: '/var/lib/fedhub',
    });
    expect(c.grpcPort).toBe(0);
    expect(c.httpPort).toBe(9001);
    expect(c.heartbeatIntervalMs).toBe(250);
    expect(c.dbFile).toBe('/var/lib/fedhub/fedhub.db');
  });

  it.each([
    ['a port above 65535', ['--grpc-port', '70000'], /grpcPort must be a port/],
    ['a zero duration', ['--heartbeat-interval', '0s'], /heartbeatIntervalMs must be a duration > 0/],
    ['a duration with an unknown unit', ['--keepalive-time', '5 weeks'], /keepaliveTimeMs/],
    ['an unknown flag', ['--grpc-prot', '1'], /Unknown option/],
    ['an unknown log level', ['--log-level', 'loud'], /logLevel must be one of/],
    [
      'a document limit above the request limit',
      ['--max-document-bytes', '16Mi'],
      /maxDocumentBytes must be <=/,
    ],
    ['zero max uses', ['--bootstrap-token-max-uses', '0'], /bootstrapTokenMaxUses must be an integer >= 1/],
  ])('rejects %s with a ConfigError naming it', (_name, argv, message) => {
    expect(() => compileHubConfig(argv, {})).toThrow(ConfigError);
    expect(() => compileHubConfig(argv, {})).toThrow(message);
  });

  it('serves TLS by default, with the admin token file and limits in the data directory defaults', () => {
    const c = compileHubConfig(['--data-dir', '/var/lib/fedhub'], {});
    expect([c.tlsCertFile, c.tlsKeyFile, c.tlsCaFile, c.encryptionKeyFile]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(c).toMatchObject({
      insecure: false,
      tlsSans: [],
      adminTokenFile: '/var/lib/fedhub/admin-token',
      rateLimitPerSecond: 50,
      rateLimitBurst: 200,
      requestTimeoutMs: 30_000,
    });
  });

  it.each([
    ['--insecure as a switch', ['--insecure'], {}, { insecure: true }],
    ['FEDHUB_INSECURE=true', [], { FEDHUB_INSECURE: 'true' }, { insecure: true }],
    [
      'repeated and comma-separated --tls-san',
      ['--tls-san', 'hub.example.com,10.0.0.1', '--tls-san', 'fd00::1'],
      {},
      { tlsSans: ['hub.example.com', '10.0.0.1', 'fd00::1'] },
    ],
    [
      'certificate files given together',
      ['--tls-cert-file', 'c.pem', '--tls-key-file', 'k.pem', '--tls-ca-file', 'ca.pem'],
      {},
      { tlsCertFile: 'c.pem', tlsKeyFile: 'k.pem', tlsCaFile: 'ca.pem' },
    ],
  ])('reads %s', (_name, argv, env, expected) => {
    expect(compileHubConfig(argv, env)).toMatchObject(expected);
  });

  it.each([
    [
      'a certificate without its key',
      ['--tls-cert-file', 'c.pem'],
      /tlsCertFile and tlsKeyFile must be given together/,
    ],
    [
      '--insecure with certificate files',
      ['--insecure', '--tls-cert-file', 'c', '--tls-key-file', 'k'],
      /insecure: cannot be combined/,
    ],
    ['a CA file alone', ['--tls-ca-file', 'ca.pem'], /tlsCaFile needs tlsCertFile/],
    ['a SAN that is neither a name nor an IP', ['--tls-san', 'bad name!'], /tlsSans: "bad name!" is neither/],
    [
      'extra SANs with operator files',
      ['--tls-cert-file', 'c', '--tls-key-file', 'k', '--tls-san', 'x.io'],
      /tlsSans applies to the generated certificate only/,
    ],
    [
      'a burst below the rate',
      ['--rate-limit', '10', '--rate-limit-burst', '5'],
      /rateLimitBurst must be >= rateLimitPerSecond/,
    ],
    ['a zero request timeout', ['--request-timeout', '0s'], /requestTimeoutMs must be a duration > 0/],
    ['FEDHUB_INSECURE=maybe', [], /insecure must be true or false/],
  ])('refuses %s with a ConfigError naming it', (_name, argv, message) => {
    const env = argv.length === 0 ? { FEDHUB_INSECURE: 'maybe' } : {};
    expect(() => compileHubConfig(argv, env)).toThrow(ConfigError);
    expect(() => compileHubConfig(argv, env)).toThrow(message);
  });

  it('reads sizes with binary suffixes', () => {
    expect(
      compileHubConfig(['--max-request-bytes', '512Ki', '--max-document-bytes', '64Ki'], {}),
    ).toMatchObject({
      maxRequestBytes: 512 * 1024,
      maxDocumentBytes: 64 * 1024,
    });
  });
});
