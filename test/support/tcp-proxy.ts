/**
 * A TCP proxy on 127.0.0.1 that a test can cut and heal: the way to put a network partition
 * between one agent and the hub while both keep running.
 */
import net from 'node:net';

export interface TcpProxy {
  /** host:port agents should dial. */
  address: string;
  /** Drops every open connection and refuses new ones (they are accepted and closed at once). */
  cut(): void;
  heal(): void;
  readonly isCut: boolean;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${addr.port}`,
    cut: () => {
      cut = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    heal: () => {
      cut = false;
    },
    get isCut() {
      return cut;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
