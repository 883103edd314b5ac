/**
 * The HTTP face of the receiver: `POST /alerts` takes Alertmanager's webhook (version 4) and
 * answers with what it did per alert; `GET /healthz` says it is up. Checks run in the order that
 * changes nothing on failure: method and path, credentials (401), size and JSON and schema (400),
 * and only then a release is looked up or signalled. A Temporal error answers 503, so
 * Alertmanager retries; a repeated signal is harmless (the first stop wins in the workflow).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { authorized, challenge, type ReceiverCredentials } from './auth';
import { deliver } from './deliver';
import type { ReleasePort } from './releases';
import { WebhookPayload } from './schema';

export const WEBHOOK_PATH = '/alerts';
/** Alertmanager's bodies are small (max_alerts caps them); anything this big is not one. */
const MAX_BODY_BYTES = 1024 * 1024;
/** What /healthz answers, so the embedded stack can tell the receiver from a stranger on its port. */
export const HEALTH_BODY = { receiver: 'sluice-alertmanager', ok: true };

export interface ReceiverOptions {
  credentials: ReceiverCredentials;
  releases: ReleasePort;
  logger: Logger;
}

class BodyTooLarge extends Error {}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createReceiver(options: ReceiverOptions): Server {
  const { credentials, releases, logger } = options;
  if (credentials.bearerToken === undefined && !credentials.basic) throw new Error('the Alertmanager receiver needs a bearer token or basic auth credentials');
  if (credentials.bearerToken !== undefined && credentials.bearerToken.length === 0) throw new Error('the bearer token is empty');

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && req.method === 'GET') return send(res, 200, HEALTH_BODY);
    if (path !== WEBHOOK_PATH) return send(res, 404, { error: `not found; Alertmanager posts to ${WEBHOOK_PATH}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    if (!authorized(req.headers.authorization, credentials)) {
      logger.warn({ remote: req.socket.remoteAddress }, 'alert webhook refused: missing or wrong credentials');
      req.resume();
      return send(res, 401, { error: 'missing or wrong credentials' }, { 'www-authenticate': challenge(credentials) });
    }
    let text: string;
    try {
      text = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) return send(res, 413, { error: `body over ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return send(res, 400, { error: 'body is not JSON' });
    }
    const parsed = WebhookPayload.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      logger.warn({ issues }, 'alert webhook refused: not an Alertmanager version 4 payload');
      return send(res, 400, { error: 'not an Alertmanager webhook payload (version 4)', issues });
    }
    const results = await deliver(parsed.data, releases);
    for (const r of results) logger.info({ ...r, groupKey: parsed.data.groupKey }, `alert ${r.alertname}: ${r.action}`);
    const failed = results.some((r) => r.action === 'error');
    send(res, failed ? 503 : 200, { results });
  };

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'alert webhook failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
}

/** Listens on host:port (port 0 picks one); resolves with the bound address. */
export async function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
