import { createServer, type AddressInfo } from 'node:net';

/** A loopback TCP port that is free right now (the OS picks it, so concurrent callers don't collide). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
