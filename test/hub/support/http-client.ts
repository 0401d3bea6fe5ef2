/** A small REST client for tests over node:http / node:https, trusting a given CA. */
import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
  /** The raw body text (when it is not JSON, body is {}). */
  text: string;
  headers: http.IncomingHttpHeaders;
}

export interface HttpRequest {
  port: number;
  /** Use HTTPS and trust only this CA; undefined: plain HTTP. */
  caPem: string | undefined;
  method: string;
  path: string;
  /** A string is sent as is (default content type YAML); an object as JSON. */
  body?: string | object | Buffer | undefined;
  contentType?: string | undefined;
  headers?: Record<string, string>;
  /** Host name to verify the certificate against. Default localhost. */
  servername?: string;
  /** A keep-alive agent to reuse connections. Default: a new connection per request. */
  agent?: http.Agent;
}

export function httpRequest(req: HttpRequest): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  let payload: Buffer | undefined;
  if (req.body !== undefined) {
    payload = Buffer.isBuffer(req.body)
      ? req.body
      : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    headers['content-type'] ??=
      req.contentType ??
      (typeof req.body === 'string' || Buffer.isBuffer(req.body) ? 'application/yaml' : 'application/json');
  }
  const options: https.RequestOptions = {
    host: '127.0.0.1',
    port: req.port,
    method: req.method,
    path: req.path,
    headers,
    agent: req.agent ?? false,
    ...(req.caPem !== undefined ? { ca: req.caPem, servername: req.servername ?? 'localhost' } : {}),
  };
  return new Promise((resolve, reject) => {
    const done = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          const parsed: unknown = text ? JSON.parse(text) : {};
          if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
        } catch {
          // Not JSON (e.g. the CA PEM); the text is there.
        }
        resolve({ status: res.statusCode ?? 0, body, text, headers: res.headers });
      });
    };
    const r = req.caPem !== undefined ? https.request(options, done) : http.request(options, done);
    r.on('error', reject);
    r.end(payload);
  });
}
