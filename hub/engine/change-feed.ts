import { EventEmitter } from 'node:events';

/**
 * Tells live Sync streams that a cluster's slice changed. Fired after the commit, so a listener
 * that reads the store sees the change. The signal carries no rows: a stream reads everything
 * after the revision it has sent, which keeps revision order without buffering here.
 */
export interface ChangeFeed {
  notify(clusters: Iterable<string>, revision: number): void;
  /** Returns an unsubscribe function. */
  subscribe(cluster: string, listener: (revision: number) => void): () => void;
  /** Number of live subscriptions; for tests and metrics. */
  listenerCount(cluster: string): number;
}

export function createChangeFeed(): ChangeFeed {
  const emitter = new EventEmitter();
  // One listener per connected agent stream; thousands of clusters are expected.
  emitter.setMaxListeners(0);
  return {
    notify: (clusters, revision) => {
      for (const c of clusters) emitter.emit(c, revision);
    },
    subscribe: (cluster, listener) => {
      emitter.on(cluster, listener);
      return () => emitter.off(cluster, listener);
    },
    listenerCount: (cluster) => emitter.listenerCount(cluster),
  };
}
