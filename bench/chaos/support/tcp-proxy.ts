// A TCP proxy the chaos runner puts between the engine and one of its dependencies (PostgreSQL,
// the SMTP peer), so an outage can be switched on and off exactly: down() cuts every open
// connection and refuses new ones, as a crashed or restarting server would; up() lets them through
// again on the same port.
import net from 'node:net';

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1, which the engine is configured with. */
  port: number;
  down(): Promise<void>;
  up(): Promise<void>;
  /** Connections accepted since start (for the report). */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted += 1;
    const upstream = net.connect(target.port, target.host);
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const cutAll = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  return {
    port,
    get connections() {
      return accepted;
    },
    async down() {
      const closed = stopListening();
      cutAll();
      await closed;
    },
    async up() {
      if (!server.listening) await listen(port);
    },
    async close() {
      const closed = stopListening();
      cutAll();
      await closed;
    },
  };
}
