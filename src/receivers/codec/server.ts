/**
 * A codec server (Temporal's remote codec protocol): the Web UI and `temporal` CLI post the
 * encrypted payloads they show to `POST /decode` and get them back in the clear; `POST /encode`
 * does the reverse (for the UI's signal and start forms). Bodies are `{"payloads": [...]}` with
 * proto3 JSON payloads (metadata values and data in base64).
 *
 * Who may read payloads: every request must carry the bearer token of `--token-file`, or come
 * from a browser on an allowed origin with the session cookie of someone who signed in with that
 * token at `GET /login` (./sessions.ts; the Web UI sends it with `codec.includeCredentials`).
 * Browsers may call it only from the origins given (CORS). It listens on loopback unless told
 * otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import { authorized } from '../alertmanager/auth';
import { CodecSessions, loginPage } from './sessions';

/** The Web UI sends a page of history's payloads at once; nothing legitimate comes near this. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
export const CODEC_HEALTH_BODY = { server: 'sluice-codec', ok: true };

const JsonPayload = z.object({
  metadata: z.record(z.string(), z.string()).optional(),
  data: z.string().optional(),
});
const PayloadsBody = z.object({ payloads: z.array(JsonPayload) });

export interface CodecServerOptions {
  codec: PayloadCodec;
  bearerToken: string;
  /** Origins a browser may call from (the Web UI's), e.g. http://127.0.0.1:8233. */
  allowedOrigins: readonly string[];
  logger: Logger;
  /** Browser sessions (default: in memory, eight hours). */
  sessions?: CodecSessions;
}

function fromJson(p: z.infer<typeof JsonPayload>): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): z.infer<typeof JsonPayload> {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  };
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createCodecServer(options: CodecServerOptions): Server {
  const { codec, bearerToken, allowedOrigins, logger } = options;
  if (bearerToken.length === 0) throw new Error('the codec server needs a non-empty bearer token');
  const sessions = options.sessions ?? new CodecSessions();
  const allowedOrigin = (origin: string | undefined) => origin !== undefined && allowedOrigins.includes(origin);
  // Back to the Web UI after signing in, and nowhere else (no open redirect).
  const safeReturn = (url: string | null | undefined) => (url && allowedOrigins.some((o) => url === o || url.startsWith(`${o}/`)) ? url : undefined);
  const sendHtml = (res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(html);
  };
  /** A bearer token, or a signed-in browser calling from the Web UI's origin. */
  const mayUse = (req: IncomingMessage) => authorized(req.headers.authorization, { bearerToken }) || (allowedOrigin(req.headers.origin) && sessions.valid(req.headers.cookie));

  const signIn = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    const form = new URLSearchParams(text ?? '');
    const returnTo = safeReturn(form.get('returnTo'));
    if (!authorized(`Bearer ${form.get('token') ?? ''}`, { bearerToken })) {
      logger.warn({ remote: req.socket.remoteAddress }, 'codec sign-in refused: wrong token');
      return sendHtml(res, 401, loginPage({ message: 'That is not the codec token.', ...(returnTo ? { returnTo } : {}) }));
    }
    const cookie = sessions.open();
    logger.info({ remote: req.socket.remoteAddress }, 'codec sign-in');
    if (returnTo) {
      res.writeHead(303, { location: returnTo, 'set-cookie': cookie, 'cache-control': 'no-store' });
      return void res.end();
    }
    return sendHtml(res, 200, '<!doctype html><p>Signed in: the Temporal Web UI can now show decoded payloads in this browser.</p>', { 'set-cookie': cookie });
  };

  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (!origin || !allowedOrigins.includes(origin)) return {};
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type, x-namespace, authorization',
      vary: 'Origin',
    };
  };
  const send = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...corsHeaders(req) });
    res.end(`${JSON.stringify(body)}\n`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && req.method === 'GET') return send(req, res, 200, CODEC_HEALTH_BODY);
    if (path === '/login' && req.method === 'GET') {
      const returnTo = safeReturn(new URL(req.url ?? '/', 'http://codec').searchParams.get('returnTo'));
      return sendHtml(res, 200, loginPage(returnTo ? { returnTo } : {}));
    }
    if (path === '/login' && req.method === 'POST') return signIn(req, res);
    if (path === '/logout' && req.method === 'POST') {
      req.resume();
      return sendHtml(res, 200, '<!doctype html><p>Signed out.</p>', { 'set-cookie': sessions.close(req.headers.cookie) });
    }
    if (path !== '/decode' && path !== '/encode') return send(req, res, 404, { error: 'not found; use POST /decode or POST /encode' });
    // A browser asks first; only an allowed origin gets the CORS headers that let it go on.
    if (req.method === 'OPTIONS') {
      res.writeHead(req.headers.origin && allowedOrigins.includes(req.headers.origin) ? 204 : 403, corsHeaders(req));
      return void res.end();
    }
    if (req.method !== 'POST') return send(req, res, 405, { error: 'use POST' });
    if (!mayUse(req)) {
      logger.warn({ path, remote: req.socket.remoteAddress, namespace: req.headers['x-namespace'] }, 'codec request refused: no token and no session');
      req.resume();
      return send(req, res, 401, { error: 'missing or wrong bearer token, and no signed-in session (GET /login)' });
    }
    const text = await readBody(req);
    if (text === undefined) return send(req, res, 413, { error: `bodies are limited to ${MAX_BODY_BYTES} bytes` });
    let parsed;
    try {
      parsed = PayloadsBody.safeParse(JSON.parse(text));
    } catch {
      return send(req, res, 400, { error: 'the body is not JSON' });
    }
    if (!parsed.success) return send(req, res, 400, { error: 'the body must be {"payloads": [{"metadata": {...}, "data": "<base64>"}]}' });
    const payloads = parsed.data.payloads.map(fromJson);
    try {
      const result = path === '/decode' ? await codec.decode(payloads) : await codec.encode(payloads);
      logger.info({ path, payloads: payloads.length, namespace: req.headers['x-namespace'] }, 'codec request served');
      return send(req, res, 200, { payloads: result.map(toJson) });
    } catch (err) {
      // The message names a key id at most, never a key or a payload.
      return send(req, res, 422, { error: (err as Error).message });
    }
  };

  return createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      logger.error({ err: err.message }, 'codec request failed');
      if (!res.headersSent) send(req, res, 500, { error: 'internal error' });
      else res.end();
    });
  });
}
