/**
 * Browser sessions of the codec server. The Temporal Web UI cannot send a bearer token of its
 * own; with `codec.includeCredentials` it sends the browser's cookies for the codec server. A
 * person who holds the token signs in once at `GET /login` (a form that posts it), and gets an
 * HttpOnly, SameSite=Strict session cookie. From then on the UI's decode calls from an allowed
 * origin carry that cookie. Sessions live in memory: a restart of the server signs everyone out.
 *
 * Cookies are scoped by host, not port: the cookie also reaches other services on the same host
 * (HttpOnly keeps it from their pages' scripts). It is a random id, never the token.
 */
import { randomBytes } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';

export const SESSION_COOKIE = 'sluice-codec-session';
/** A working day: long enough not to interrupt an incident, short enough to expire unattended. */
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export class CodecSessions {
  private readonly expiry = new Map<string, number>();

  constructor(
    private readonly ttlMs: number = DEFAULT_SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session; the Set-Cookie header value that hands it to the browser. */
  open(): string {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    this.expiry.set(id, this.now() + this.ttlMs);
    return stringifySetCookie({ name: SESSION_COOKIE, value: id, httpOnly: true, sameSite: 'strict', path: '/', maxAge: Math.floor(this.ttlMs / 1000) });
  }

  /** Ends the session the request's cookie names, if any; the Set-Cookie value that clears it. */
  close(cookieHeader: string | undefined): string {
    const id = this.idOf(cookieHeader);
    if (id) this.expiry.delete(id);
    return stringifySetCookie({ name: SESSION_COOKIE, value: '', httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0 });
  }

  /** True when the request's cookie names a session that has not expired. */
  valid(cookieHeader: string | undefined): boolean {
    const id = this.idOf(cookieHeader);
    if (!id) return false;
    const until = this.expiry.get(id);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.expiry.delete(id);
      return false;
    }
    return true;
  }

  private idOf(cookieHeader: string | undefined): string | undefined {
    return cookieHeader ? parseCookie(cookieHeader)[SESSION_COOKIE] : undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, until] of this.expiry) if (until <= now) this.expiry.delete(id);
  }
}

/** The sign-in form: no script, no outside resource; `returnTo` comes back as a hidden field. */
export function loginPage(options: { message?: string; returnTo?: string }): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"><title>Sluice codec server: sign in</title></head>',
    '<body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto">',
    '<h1>Sluice codec server</h1>',
    "<p>Sign in with the codec token to read Sluice's encrypted payloads in the Temporal Web UI.</p>",
    options.message ? `<p role="alert"><strong>${escape(options.message)}</strong></p>` : '',
    '<form method="post" action="/login">',
    '<label>Token <input type="password" name="token" autocomplete="off" required autofocus></label>',
    options.returnTo ? `<input type="hidden" name="returnTo" value="${escape(options.returnTo)}">` : '',
    '<button type="submit">Sign in</button>',
    '</form>',
    '</body></html>',
  ].join('\n');
}
