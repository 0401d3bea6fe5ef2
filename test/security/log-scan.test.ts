// Pins the log scan helper: a secret in clear, JSON-escaped, base64 or base64url is found; the hub logger's redaction keeps token fields out.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.ts';
import { assertNoSecretsInLogs, captureLogs, findSecretsInLogs } from '../support/log-scan.ts';

const secret = 'fhc_s3cr3t-"quoted"-value';

describe('log scan', () => {
  it.each([
    ['in clear', `{"msg":"x","v":"${secret}"}`],
    ['JSON-escaped', JSON.stringify({ v: secret })],
    ['base64', Buffer.from(secret).toString('base64')],
    ['base64url', Buffer.from(secret).toString('base64url')],
  ])('finds a secret %s', (_name, line) => {
    expect(findSecretsInLogs(line, [secret])).toHaveLength(1);
    expect(() => assertNoSecretsInLogs(line, ['other-value', secret])).toThrow(/secret 1 \(fhc_…/);
  });

  it('does not print the secret when it reports one', () => {
    expect(() => assertNoSecretsInLogs(secret, [secret])).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });

  it('passes a log without the secrets, and sees real pino output with token fields redacted', () => {
    const logs = captureLogs();
    const log = createLogger({ level: 'info', destination: logs.destination });
    log.info({ token: secret, req: { headers: { authorization: `Bearer ${secret}` } } }, 'with secrets');
    log.info({ cluster: 'a' }, 'plain');
    expect(logs.entries().map((e) => e['msg'])).toEqual(['with secrets', 'plain']);
    assertNoSecretsInLogs(logs.text(), [secret]);
  });
});
