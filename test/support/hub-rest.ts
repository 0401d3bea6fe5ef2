/** A small client of the hub's REST API for end-to-end tests (fedctl is tested separately). */

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
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  async call(method: string, p: string, body?: string | object): Promise<Obj> {
    const headers: Record<string, string> = {};
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = typeof body === 'string' ? 'application/yaml' : 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${p}`, { method, headers, body: payload });
    const text = await res.text();
    const parsed = (text ? JSON.parse(text) : {}) as Obj;
    if (!res.ok) throw new HubRestError(res.status, parsed);
    return parsed;
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
