/**
 * The CLI's failures, each with the exit code it ends the process with. Messages read like
 * kubectl's: `error: <what failed> for <kind>/<name>: <why>`, and a hint saying what to do.
 */

export class CliError extends Error {
  /** 1 for failures, 2 for usage mistakes. */
  readonly exitCode: number;
  /** A second line telling the user what to do, when there is something to do. */
  readonly hint: string | undefined;
  constructor(message: string, opts: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.exitCode = opts.exitCode ?? 1;
    this.hint = opts.hint;
  }
}

/** The command line itself is wrong (exit 2). */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: 2, ...(hint ? { hint } : {}) });
  }
}

/** The hub answered with a Kubernetes-style Status failure. */
export class HubStatusError extends CliError {
  readonly status: number;
  readonly reason: string;
  readonly details: { field?: string; document?: number } | undefined;
  constructor(
    status: number,
    body: { reason?: string; message?: string; details?: { field?: string; document?: number } },
  ) {
    super(body.message ?? `the hub answered HTTP ${status}`);
    this.status = status;
    this.reason = body.reason ?? `HTTP ${status}`;
    this.details = body.details;
  }

  /** A 404 for a path the hub has no route for (an older hub), not a missing object. */
  isMissingRoute(): boolean {
    return this.status === 404 && /^no route /.test(this.message);
  }
}

/** The hub could not be reached at all. */
export class HubUnreachableError extends CliError {
  constructor(server: string, why: string, cause?: unknown) {
    // A plaintext request to a TLS port is cut without an answer.
    const maybeTls = server.startsWith('http:') && /reset|hang up/.test(why);
    super(`cannot reach the hub at ${server}: ${why}`, {
      hint: maybeTls
        ? `the hub may serve HTTPS: use --server ${server.replace(/^http:/, 'https:')} with --certificate-authority (the hub's <data-dir>/pki/ca.crt)`
        : `is the hub running at ${server}? set --server or a context (fedctl config use-context)`,
      cause,
    });
  }
}

/** What to do about a hub answer, by status. */
export function hintForStatus(status: number): string | undefined {
  if (status === 401)
    return 'check the admin token: --token, FEDHUB_TOKEN, or the token/tokenFile of the context';
  if (status === 403) return 'the token lacks permission for this; use a token with the admin role';
  if (status === 429) return 'the hub is rate-limiting this client; retry in a moment';
  return undefined;
}

/** `error: …` plus the hint line, as printed on stderr. */
export function formatCliError(err: CliError): string {
  const hint = err.hint ?? (err instanceof HubStatusError ? hintForStatus(err.status) : undefined);
  return `error: ${err.message}\n${hint ? `${hint}\n` : ''}`;
}

/**
 * Rewrites a hub failure about one object into `<what> for <kind>/<name>: <why>`, with a hint for
 * the usual causes (auth, missing object, missing route).
 */
export function forObject(err: unknown, what: string, object: string): unknown {
  if (!(err instanceof HubStatusError)) return err;
  if (err.isMissingRoute()) return err;
  const hint = hintForStatus(err.status);
  return new CliError(`${what} for ${object}: ${err.message}`, { cause: err, ...(hint ? { hint } : {}) });
}

/** A route the hub does not serve yet: a clear message instead of a bare 404. */
export function unsupported(err: unknown, feature: string, route: string): unknown {
  if (err instanceof HubStatusError && err.isMissingRoute()) {
    return new CliError(`the hub does not support ${feature} yet (no route ${route})`, {
      hint: 'upgrade the hub to a version that serves it',
      cause: err,
    });
  }
  return err;
}
