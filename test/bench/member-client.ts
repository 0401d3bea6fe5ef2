/**
 * What the benchmarks need of a member API server: a ConfigMap watch that timestamps the first
 * ADDED event of every name, server-side apply over one kept-alive connection (the baseline
 * client), and a plain request.
 */
import https from 'node:https';
import type { MemberInfo } from '../harness/control-plane.ts';
import { nowMs } from './measure.ts';

export const FIELD_MANAGER = 'fedhub-bench';

export class MemberClient {
  private readonly agent: https.Agent;
  /** First time each ConfigMap name was seen by the watch (epoch ms). */
  readonly seen = new Map<string, number>();
  private watchReq: ReturnType<typeof https.request> | undefined;
  private stopped = false;

  constructor(readonly member: MemberInfo) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: member.caPem });
  }

  request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; body: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        new URL(path, this.member.server),
        {
          method,
          agent: this.agent,
          ca: this.member.caPem,
          headers: {
            authorization: `Bearer ${this.member.token}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': contentType } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (data += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Server-side apply of a namespaced ConfigMap (forced, one field manager). */
  async applyConfigMap(ns: string, name: string, data: Record<string, string>): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
    const r = await this.request(
      'PATCH',
      `/api/v1/namespaces/${ns}/configmaps/${name}?fieldManager=${FIELD_MANAGER}&force=true`,
      body,
      'application/apply-patch+yaml',
    );
    if (r.status >= 300)
      throw new Error(`apply ${ns}/${name} on ${this.member.name}: ${r.status} ${r.body.slice(0, 200)}`);
  }

  async ensureNamespace(ns: string): Promise<void> {
    const r = await this.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
    if (r.status >= 300 && r.status !== 409)
      throw new Error(`namespace ${ns} on ${this.member.name}: ${r.status}`);
  }

  /** Watches ConfigMaps in `ns`, recording when each name is first seen; restarts if the server ends it. */
  watchConfigMaps(ns: string): Promise<void> {
    return new Promise((resolveStarted) => {
      const start = () => {
        if (this.stopped) return;
        const req = https.request(
          new URL(`/api/v1/namespaces/${ns}/configmaps?watch=1&timeoutSeconds=3600`, this.member.server),
          { ca: this.member.caPem, headers: { authorization: `Bearer ${this.member.token}` } },
          (res) => {
            resolveStarted();
            let buf = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              const at = nowMs();
              buf += chunk;
              let nl;
              while ((nl = buf.indexOf('\n')) >= 0) {
                const line = buf.slice(0, nl);
                buf = buf.slice(nl + 1);
                if (!line.trim()) continue;
                const ev = JSON.parse(line) as { type: string; object?: { metadata?: { name?: string } } };
                const name = ev.object?.metadata?.name;
                if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && name && !this.seen.has(name))
                  this.seen.set(name, at);
              }
            });
            res.on('end', () => setTimeout(start, 100));
            res.on('error', () => setTimeout(start, 100));
          },
        );
        req.on('error', () => setTimeout(start, 500));
        req.end();
        this.watchReq = req;
      };
      start();
    });
  }

  close(): void {
    this.stopped = true;
    this.watchReq?.destroy();
    this.agent.destroy();
  }
}
