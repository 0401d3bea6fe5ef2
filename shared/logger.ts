import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line: tokens, credentials and Secret data. */
export const REDACT_PATHS = [
  'token',
  'credential',
  'bootstrapToken',
  'authorization',
  '*.token',
  '*.credential',
  '*.bootstrapToken',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'data',
  'stringData',
  '*.data',
  '*.stringData',
  'kubeconfig',
];

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Write to this destination instead of stdout (tests capture logs this way). */
  destination?: pino.DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      name: opts.name,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    opts.destination,
  );
}
