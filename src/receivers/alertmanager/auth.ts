/**
 * Alertmanager does not sign its webhooks; it authenticates with `http_config`: a bearer token
 * (`authorization.credentials_file`) or basic auth. Both are compared in constant time over
 * digests, so neither the length nor a prefix of a secret leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ReceiverCredentials {
  bearerToken?: string;
  basic?: { username: string; password: string };
}

function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** True when the Authorization header carries one of the configured credentials. */
export function authorized(header: string | undefined, credentials: ReceiverCredentials): boolean {
  if (!header) return false;
  const match = /^(\S+)\s+(.+)$/.exec(header.trim());
  if (!match) return false;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!.trim();
  if (scheme === 'bearer' && credentials.bearerToken !== undefined) return sameSecret(value, credentials.bearerToken);
  if (scheme === 'basic' && credentials.basic) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    // Both halves are always compared, so a right user name is not told apart from a wrong one.
    const userOk = sameSecret(decoded.slice(0, colon), credentials.basic.username);
    const passOk = sameSecret(decoded.slice(colon + 1), credentials.basic.password);
    return userOk && passOk;
  }
  return false;
}

/** Which schemes the receiver accepts, for WWW-Authenticate. */
export function challenge(credentials: ReceiverCredentials): string {
  return [...(credentials.bearerToken !== undefined ? ['Bearer realm="sluice"'] : []), ...(credentials.basic ? ['Basic realm="sluice"'] : [])].join(', ');
}
