/** A small client of the hub's REST API for end-to-end tests (fedctl is tested separately). */
import { httpRequest } from '../hub/support/http-client.ts';

export type Obj = Record<string, unknown>;

export class HubRestError extends Error {
  constructor(
    readonly status: number,
    readonly body: Obj,
  ) {
    super(`hub answered ${status}: ${String(body['message'] ?? JSON.stringify(body))}`);
  }
}

export class HubRest {
  /** A client of a TLS hub (trusting `caPem`) with an admin token; `caPem` undefined: plain HTTP. */
  constructor(
    readonly port: number,
    private readonly caPem: string | undefined,
    private readonly token?: string,
  ) {}

  static of(hub: { httpPort: number; caPem: string; adminToken: string }): HubRest {
    return new HubRest(hub.httpPort, hub.caPem, hub.adminToken);
  }

  async call(method: string, p: string, body?: string | object): Promise<Obj> {
    const res = await httpRequest({
      port: this.port,
      caPem: this.caPem,
      method,
      path: p,
      body,
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
    });
    if (res.status >= 400) throw new HubRestError(res.status, res.body);
    return res.body;
  }

  /** A GET whose answer is not JSON (e.g. /metrics). */
  async text(p: string): Promise<string> {
    const res = await httpRequest({ port: this.port, caPem: this.caPem, method: 'GET', path: p });
    if (res.status >= 400) throw new HubRestError(res.status, res.body);
    return res.text;
  }

  apply(yaml: string): Promise<Obj> {
    return this.call('POST', '/apis/v1/apply', yaml);
  }

  get(kind: string, namespace: string, name: string): Promise<Obj> {
    return this.call('GET', `/apis/v1/resources/${kind}/${namespace || '_'}/${name}`);
  }

  delete(kind: string, namespace: string, name: string): Promise<Obj> {
    return this.call('DELETE', `/apis/v1/resources/${kind}/${namespace || '_'}/${name}`);
  }

  clusters(): Promise<Obj> {
    return this.call('GET', '/apis/v1/clusters');
  }

  async bootstrapToken(maxUses: number): Promise<string> {
    const res = await this.call('POST', '/apis/v1/bootstrap-tokens', { maxUses });
    return String(res['token']);
  }
}
