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

  it('reads sizes with binary suffixes', () => {
    expect(
      compileHubConfig(['--max-request-bytes', '512Ki', '--max-document-bytes', '64Ki'], {}),
    ).toMatchObject({
      maxRequestBytes: 512 * 1024,
      maxDocumentBytes: 64 * 1024,
    });
  });
});
