import { createConnection } from 'node:net';

/**
 * Talks to HAProxy's runtime API (the `stats socket ... level admin` socket).
 * In non-interactive mode HAProxy answers one command and closes the connection, so a request is
 * "write the line, read until EOF".
 */
export async function haproxyCommand(socketPath: string, command: string, timeoutMs = 5000): Promise<string> {
  if (/[\r\n]/.test(command)) throw new Error(`HAProxy command must be a single line: ${JSON.stringify(command)}`);
  return new Promise<string>((resolvePromise, reject) => {
    const socket = createConnection(socketPath);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`HAProxy socket ${socketPath} did not answer "${command}" within ${timeoutMs} ms`));
    }, timeoutMs);
    // Half-close after the command: HAProxy answers once it sees the end of input.
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`HAProxy socket ${socketPath}: ${err.message}`));
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolvePromise(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Runs a runtime-API command whose success is an empty answer (set server ..., enable ...). */
export async function haproxyAction(socketPath: string, command: string): Promise<void> {
  const answer = (await haproxyCommand(socketPath, command)).trim();
  // Successful "set" commands answer nothing; some versions echo a short informational line.
  // `set server ... addr` answers "IP changed from ..." / "no need to change the addr, port changed from ...".
  if (answer !== '' && !/^(New|Server|Health|Agent)\b.*(updated|changed|set)/i.test(answer) && !/changed from|no need to change/i.test(answer)) {
    throw new Error(`HAProxy refused "${command}": ${answer}`);
  }
}

export interface ServerState {
  backend: string;
  server: string;
  address: string;
  port: number;
  weight: number;
  /** 0 = maintenance/stopped, 2 = running (srv_op_state in `show servers state`). */
  operState: number;
  adminState: number;
}

/** Parses `show servers state <backend>` (format version 1). */
export async function serverStates(adminSocket: string, backend?: string): Promise<ServerState[]> {
  const text = await haproxyCommand(adminSocket, backend ? `show servers state ${backend}` : 'show servers state');
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const rows: ServerState[] = [];
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f.length < 19 || !/^\d+$/.test(f[0]!)) continue; // the first line is the format version
    rows.push({
      backend: f[1]!,
      server: f[3]!,
      address: f[4]!,
      operState: Number(f[5]),
      adminState: Number(f[6]),
      weight: Number(f[7]),
      port: Number(f[18]),
    });
  }
  return rows;
}

export async function backendNames(adminSocket: string): Promise<string[]> {
  const text = await haproxyCommand(adminSocket, 'show backend');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** srv_admin_state bits (HAProxy's SRV_ADMF_*): any maintenance flag, any drain flag. */
export const ADMIN_MAINT = 0x01 | 0x02 | 0x20; // not 0x04 (CMAINT): it only records "disabled" in the config
const ADMIN_DRAIN = 0x08 | 0x10;

/** What a server's srv_admin_state means for traffic: takes new requests, finishes what it has, or out. */
export function adminStateOf(adminState: number): 'ready' | 'drain' | 'maint' {
  return adminState & ADMIN_MAINT ? 'maint' : adminState & ADMIN_DRAIN ? 'drain' : 'ready';
}
