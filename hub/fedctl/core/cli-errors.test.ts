// Pins how fedctl words failures: kubectl's `error: …` line, a hint saying what to do, and the exit code (1 failure, 2 usage).
import { describe, expect, it } from 'vitest';
import {
  CliError,
  HubStatusError,
  HubUnreachableError,
  UsageError,
  forObject,
  formatCliError,
  unsupported,
} from './cli-errors.ts';

const status = (code: number, message: string) => new HubStatusError(code, { reason: 'X', message });

describe('formatCliError', () => {
  it.each([
    [
      'a refused connection asks whether the hub runs there',
      new HubUnreachableError('http://h:1', 'connection refused'),
      'error: cannot reach the hub at http://h:1: connection refused\nis the hub running at http://h:1? set --server or a context (fedctl config use-context)\n',
    ],
    [
      'a reset plaintext connection suggests HTTPS and the CA',
      new HubUnreachableError('http://h:1', 'connection reset'),
      "error: cannot reach the hub at http://h:1: connection reset\nthe hub may serve HTTPS: use --server https://h:1 with --certificate-authority (the hub's <data-dir>/pki/ca.crt)\n",
    ],
    [
      'a 401 asks to check the token',
      status(401, 'invalid admin token'),
      'error: invalid admin token\ncheck the admin token: --token, FEDHUB_TOKEN, or the token/tokenFile of the context\n',
    ],
    [
      'a 403 asks for an admin-role token',
      status(403, 'role read-only may not POST'),
      'error: role read-only may not POST\nthe token lacks permission for this; use a token with the admin role\n',
    ],
    [
      'a 429 says to retry',
      status(429, 'slow down'),
      'error: slow down\nthe hub is rate-limiting this client; retry in a moment\n',
    ],
    ['a plain failure has no hint', new CliError('boom'), 'error: boom\n'],
  ])('%s', (_name, err, text) => {
    expect(formatCliError(err)).toBe(text);
  });

  it('gives usage errors exit code 2 and failures 1', () => {
    expect(new UsageError('x').exitCode).toBe(2);
    expect(new CliError('x').exitCode).toBe(1);
    expect(status(500, 'x').exitCode).toBe(1);
  });
});

describe('forObject and unsupported', () => {
  it('names the object that failed', () => {
    const err = forObject(status(409, 'exists'), 'create failed', 'cluster/a') as CliError;
    expect(formatCliError(err)).toBe('error: create failed for cluster/a: exists\n');
  });

  it.each([
    [
      'a missing route becomes "does not support"',
      status(404, 'no route POST /apis/v1/x'),
      /^the hub does not support failback yet \(no route POST \/x\)$/,
    ],
    ['a missing object stays as it was', status(404, 'cluster a not found'), /^cluster a not found$/],
  ])('%s', (_name, err, message) => {
    expect((unsupported(err, 'failback', 'POST /x') as Error).message).toMatch(message);
  });
});
