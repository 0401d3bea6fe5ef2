// Pins how flags, environment, the current context and the default combine into fedctl's connection, and how the config file is validated and edited.
import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.ts';
import {
  DEFAULT_SERVER,
  emptyConfig,
  redactConfig,
  resolveConnection,
  setContext,
  useContext,
  validateConfig,
  type FedctlConfig,
} from './connection.ts';

const config: FedctlConfig = {
  apiVersion: 'fedhub.io/v1',
  kind: 'Config',
  'current-context': 'prod',
  contexts: [
    {
      name: 'prod',
      server: 'https://prod:7080',
      token: 'ctx-token',
      certificateAuthority: '/ca.pem',
      namespace: 'web',
    },
    { name: 'dev', server: 'http://dev:7080', tokenFile: '/token' },
  ],
};

describe('resolveConnection', () => {
  it.each([
    [
      'nothing configured gives the default server and no token',
      emptyConfig(),
      {},
      {},
      { server: DEFAULT_SERVER, namespace: 'default', insecureSkipTLSVerify: false },
    ],
    [
      'the current context gives server, token, CA and namespace',
      config,
      {},
      {},
      {
        server: 'https://prod:7080',
        token: 'ctx-token',
        certificateAuthority: '/ca.pem',
        namespace: 'web',
        context: 'prod',
      },
    ],
    [
      '--context picks another context',
      config,
      { context: 'dev' },
      {},
      { server: 'http://dev:7080', tokenFile: '/token', context: 'dev' },
    ],
    [
      'the environment wins over the context',
      config,
      {},
      { FEDHUB_SERVER: 'http://env:1', FEDHUB_TOKEN: 'env-token' },
      { server: 'http://env:1', token: 'env-token' },
    ],
    [
      'flags win over the environment',
      config,
      { server: 'http://flag:2', token: 'flag-token' },
      { FEDHUB_SERVER: 'http://env:1', FEDHUB_TOKEN: 'env-token' },
      { server: 'http://flag:2', token: 'flag-token' },
    ],
    [
      '--certificate-authority wins over the context CA',
      config,
      { certificateAuthority: '/other.pem' },
      {},
      { certificateAuthority: '/other.pem' },
    ],
    [
      'a token from the environment replaces the context token file',
      config,
      { context: 'dev' },
      { FEDHUB_TOKEN: 't' },
      { token: 't' },
    ],
    [
      'a trailing slash is dropped from the server',
      emptyConfig(),
      { server: 'http://x:1/' },
      {},
      { server: 'http://x:1' },
    ],
  ])('%s', (_name, cfg, flags, env, expected) => {
    expect(resolveConnection(cfg, flags, env)).toMatchObject(expected);
  });

  it('keeps no token file when a token is given', () => {
    expect(resolveConnection(config, { context: 'dev', token: 't' }, {})).not.toHaveProperty('tokenFile');
  });

  it.each([
    ['an unknown context', { context: 'nope' }, {}, /context "nope" not found \(have: prod, dev\)/],
    ['a server that is not a URL', { server: 'hub:7080' }, {}, /--server: .* http/],
    [
      'an environment server that is not a URL',
      {},
      { FEDHUB_SERVER: 'nope' },
      /FEDHUB_SERVER: "nope" is not a URL/,
    ],
  ])('rejects %s as a usage error', (_name, flags, env, message) => {
    expect(() => resolveConnection(config, flags, env)).toThrow(UsageError);
    expect(() => resolveConnection(config, flags, env)).toThrow(message);
  });
});

describe('validateConfig', () => {
  it('treats an empty file as an empty config', () => {
    expect(validateConfig(null, 'f')).toEqual(emptyConfig());
  });

  it.each([
    ['contexts that are not a list', { contexts: {} }, /contexts: must be a list/],
    [
      'a context without a name',
      { contexts: [{ server: 'http://x' }] },
      /contexts\[0\]\.name: must be a non-empty string/,
    ],
    [
      'a duplicate name',
      { contexts: [{ name: 'a' }, { name: 'a' }] },
      /contexts\[1\]\.name: "a" is used twice/,
    ],
    ['an unknown field', { contexts: [{ name: 'a', sever: 'x' }] }, /contexts\[0\]\.sever: unknown field/],
    [
      'a bad server',
      { contexts: [{ name: 'a', server: 'ftp://x' }] },
      /contexts\[0\]\.server: must be an http/,
    ],
    [
      'token and tokenFile together',
      { contexts: [{ name: 'a', token: 't', tokenFile: 'f' }] },
      /token or tokenFile, not both/,
    ],
    [
      'a non-boolean insecureSkipTLSVerify',
      { contexts: [{ name: 'a', insecureSkipTLSVerify: 'yes' }] },
      /must be true or false/,
    ],
  ])('rejects %s naming the file and field', (_name, doc, message) => {
    expect(() => validateConfig(doc, '/home/u/.fedhub/config')).toThrow(message);
    expect(() => validateConfig(doc, '/home/u/.fedhub/config')).toThrow(
      /config file \/home\/u\/\.fedhub\/config/,
    );
  });
});

describe('editing contexts', () => {
  it('creates the first context as the current one', () => {
    const next = setContext(emptyConfig(), { name: 'a', server: 'http://a' }, false);
    expect(next).toMatchObject({ 'current-context': 'a', contexts: [{ name: 'a', server: 'http://a' }] });
  });

  it('changes only the given fields and lets a new token file replace the token', () => {
    const next = setContext(config, { name: 'prod', tokenFile: '/t' }, false);
    expect(next.contexts[0]).toEqual({
      name: 'prod',
      server: 'https://prod:7080',
      tokenFile: '/t',
      certificateAuthority: '/ca.pem',
      namespace: 'web',
    });
    expect(next['current-context']).toBe('prod');
  });

  it('switches contexts and refuses an unknown one', () => {
    expect(useContext(config, 'dev')['current-context']).toBe('dev');
    expect(() => useContext(config, 'x')).toThrow(/context "x" not found/);
  });

  it('redacts tokens but keeps token file paths', () => {
    const shown = redactConfig(config);
    expect(shown.contexts.map((c) => c.token ?? c.tokenFile)).toEqual(['REDACTED', '/token']);
    expect(JSON.stringify(shown)).not.toContain('ctx-token');
  });
});
