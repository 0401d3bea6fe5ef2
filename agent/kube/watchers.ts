/**
 * Watches the kinds the agent manages, each across all namespaces and filtered on the
 * managed-by label, and reports which object keys changed so the reconciler can look again.
 * A watch that breaks or expires is re-listed, and a re-list asks for a full reconcile because
 * events may have been missed.
 */
import type { Logger } from '../../shared/logger.ts';
import { splitApiVersion, toObjectKey } from '../../shared/object-key.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../shared/vocabulary.ts';
import { toResourcePath, UnknownKindError } from './discovery.ts';
import { KubeApiError } from './kube-client.ts';
import type { MemberObjects } from './objects.ts';

export interface WatchTarget {
  apiVersion: string;
  kind: string;
}

export interface WatchersDeps {
  objects: MemberObjects;
  log: Logger;
  /** An object of a watched kind changed (by anyone, the agent included). */
  onChange: (key: string) => void;
  /** A watch was (re)listed: changes may have been missed. */
  onRelist: () => void;
  /** Pause before re-listing after an error. Default 2 s. */
  retryMs?: number;
}

export interface Watchers {
  /** Watches exactly these kinds from now on (by group and kind; the version is the first seen). */
  ensure(targets: Iterable<WatchTarget>): void;
  stop(): void;
}

const SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

function groupKind(t: WatchTarget): string {
  return `${splitApiVersion(t.apiVersion).group}/${t.kind}`;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function createWatchers(deps: WatchersDeps): Watchers {
  const running = new Map<string, AbortController>();
  const retryMs = deps.retryMs ?? 2_000;

  async function run(t: WatchTarget, signal: AbortSignal): Promise<void> {
    const log = deps.log.child({ apiVersion: t.apiVersion, kind: t.kind });
    while (!signal.aborted) {
      try {
        const r = await deps.objects.resolve(t.apiVersion, t.kind);
        const list = await deps.objects.list(t.apiVersion, t.kind, '', SELECTOR);
        deps.onRelist();
        let rv = list.resourceVersion;
        let expired = false;
        while (!signal.aborted && !expired) {
          const startedAt = Date.now();
          await deps.objects.kube.watch(
            toResourcePath(r, ''),
            { labelSelector: SELECTOR, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: 300 },
            (e) => {
              const md = (e.object['metadata'] ?? {}) as Record<string, unknown>;
              if (e.type === 'ERROR') {
                expired = true;
                return;
              }
              if (typeof md['resourceVersion'] === 'string') rv = md['resourceVersion'];
              if (e.type === 'BOOKMARK') return;
              deps.onChange(
                toObjectKey({
                  group: r.group,
                  kind: r.kind,
                  namespace: typeof md['namespace'] === 'string' ? md['namespace'] : '',
                  name: String(md['name'] ?? ''),
                }),
              );
            },
            signal,
          );
          // A server that ends watches at once must not turn this loop into a busy one.
          if (Date.now() - startedAt < 1_000) await pause(1_000, signal);
        }
      } catch (err) {
        if (signal.aborted) return;
        // A kind not served yet (its CRD is coming) is expected; anything else is worth a warning.
        if (err instanceof UnknownKindError) log.debug({ reason: err.message }, 'watch waiting for its kind');
        else if (!(err instanceof KubeApiError && err.status === 410))
          log.warn({ err }, 'watch failed; re-listing');
        await pause(retryMs, signal);
      }
    }
  }

  return {
    ensure(targets) {
      const wanted = new Map<string, WatchTarget>();
      for (const t of targets) if (!wanted.has(groupKind(t))) wanted.set(groupKind(t), t);
      for (const [gk, ctl] of running) {
        if (!wanted.has(gk)) {
          ctl.abort();
          running.delete(gk);
        }
      }
      for (const [gk, t] of wanted) {
        if (running.has(gk)) continue;
        const ctl = new AbortController();
        running.set(gk, ctl);
        void run(t, ctl.signal);
      }
    },
    stop() {
      for (const ctl of running.values()) ctl.abort();
      running.clear();
    },
  };
}
