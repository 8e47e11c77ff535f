import net from 'node:net';

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs `start`, which binds ports it found free, again while it fails because another process bound
 * one of them between the check and the bind: `tries` times in all.
 */
export async function retryWhilePortTaken<T>(
  start: () => Promise<T>,
  portTaken: (error: unknown) => boolean,
  onRetry: (error: unknown) => void = () => {},
  tries = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (!portTaken(error) || attempt === tries) throw error;
      onRetry(error);
    }
  }
}
