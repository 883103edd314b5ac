import { createServer, type AddressInfo } from 'node:net';

/**
 * A loopback TCP port that is free right now (the OS picks it, so concurrent callers don't
 * collide), on 127.0.0.1 or another loopback address (a simulated host's, 127.0.0.2, ...).
 */
export function freeLoopbackPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
