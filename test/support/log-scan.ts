/**
 * Log capture and scan for tests: collect pino output in memory, then assert that none of a list
 * of secrets (tokens, credentials, Secret values) appears in it, in clear, base64 or JSON-escaped.
 */
import { Writable } from 'node:stream';

export interface CapturedLogs {
  /** Give this to createLogger({ destination }). */
  destination: Writable;
  /** Everything written so far. */
  text(): string;
  /** Lines written so far, parsed where they are JSON. */
  entries(): Array<Record<string, unknown>>;
}

export function captureLogs(): CapturedLogs {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    destination,
    text,
    entries: () =>
      text()
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return { raw: l };
          }
        }),
  };
}

/** The forms a secret can take in a log line: as is, JSON-escaped, base64 and base64url. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
  // Short values are too likely to occur by chance in encoded form.
  if (secret.length >= 8) {
    forms.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
    forms.add(Buffer.from(secret).toString('base64url'));
  }
  return [...forms];
}

/** Which secrets (by index and a masked preview) appear in `logText`; [] when none. */
export function findSecretsInLogs(logText: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  secrets.forEach((secret, i) => {
    if (secret.length < 4) throw new Error(`secret ${i} is too short to scan for meaningfully`);
    if (formsOf(secret).some((f) => logText.includes(f))) {
      found.push(`secret ${i} (${secret.slice(0, 4)}…, ${secret.length} chars)`);
    }
  });
  return found;
}

/** Throws, naming which secret leaked (masked) and on how many lines, when any appears. */
export function assertNoSecretsInLogs(logText: string, secrets: readonly string[]): void {
  const found = findSecretsInLogs(logText, secrets);
  if (found.length > 0) {
    throw new Error(`secrets found in logs: ${found.join('; ')}`);
  }
}
