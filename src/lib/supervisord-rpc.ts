import xmlrpc from 'xmlrpc';
import { z } from 'zod';

/**
 * A typed client for supervisord's XML-RPC interface (the `supervisor.*` namespace), spoken over
 * its unix socket. The `xmlrpc` package hands its options to `http.request`, so `socketPath`
 * reaches Node's HTTP client unchanged and no TCP port or password is needed: the socket's 0700
 * directory is the access control. Every answer is parsed with zod at this boundary.
 */

/** Fault codes from supervisor/xmlrpc.py that callers branch on. */
export const SupervisordFault = {
  Shutdown: 6,
  BadName: 10,
  NoFile: 20,
  NotExecutable: 21,
  Failed: 30,
  AbnormalTermination: 40,
  SpawnError: 50,
  AlreadyStarted: 60,
  NotRunning: 70,
  AlreadyAdded: 90,
  StillRunning: 91,
  CantReread: 92,
} as const;

export const ProcessInfo = z.object({
  name: z.string(),
  group: z.string(),
  pid: z.number().int(),
  /** STOPPED, STARTING, RUNNING, BACKOFF, STOPPING, EXITED, FATAL, UNKNOWN */
  statename: z.string(),
  /** Unix time (seconds) the process was last started. */
  start: z.number(),
  exitstatus: z.number().int(),
  spawnerr: z.string(),
  stdout_logfile: z.string(),
});
export type ProcessInfo = z.infer<typeof ProcessInfo>;

const ReloadResult = z.tuple([z.tuple([z.array(z.string()), z.array(z.string()), z.array(z.string())])]);
const State = z.object({ statecode: z.number().int(), statename: z.string() });

export class SupervisordRpcError extends Error {
  constructor(
    readonly method: string,
    readonly faultCode: number | undefined,
    message: string,
  ) {
    super(`supervisord ${method}: ${message}`);
    this.name = 'SupervisordRpcError';
  }
}

export class SupervisordClient {
  constructor(
    readonly socket: string,
    private readonly timeoutMs = 30000,
  ) {}

  /** One call; a fault becomes a SupervisordRpcError carrying its code. */
  async call(method: string, params: unknown[] = [], timeoutMs = this.timeoutMs): Promise<unknown> {
    // A client per call: the library keeps one options object per client, and the abort signal
    // (the call's deadline) belongs to one request.
    const options = { path: '/RPC2', socketPath: this.socket, signal: AbortSignal.timeout(timeoutMs) };
    const client = xmlrpc.createClient(options as Parameters<typeof xmlrpc.createClient>[0]);
    return new Promise((resolve, reject) => {
      client.methodCall(method, params, (err, value) => {
        if (!err) return resolve(value);
        const fault = err as { faultCode?: number; faultString?: string; message?: string };
        reject(new SupervisordRpcError(method, fault.faultCode, fault.faultString ?? fault.message ?? String(err)));
      });
    });
  }

  /** The same call, with the listed fault codes counted as success (idempotent stop, remove...). */
  async callTolerating(method: string, params: unknown[], tolerated: number[], timeoutMs?: number): Promise<unknown> {
    try {
      return await this.call(method, params, timeoutMs);
    } catch (err) {
      if (err instanceof SupervisordRpcError && err.faultCode !== undefined && tolerated.includes(err.faultCode)) return undefined;
      throw err;
    }
  }

  async state(): Promise<z.infer<typeof State>> {
    return State.parse(await this.call('supervisor.getState', [], 2000));
  }

  async pid(): Promise<number> {
    return z
      .number()
      .int()
      .parse(await this.call('supervisor.getPID'));
  }

  /** Rereads the configuration files: [added, changed, removed] program names. Nothing is applied. */
  async reloadConfig(): Promise<{ added: string[]; changed: string[]; removed: string[] }> {
    const [[added, changed, removed]] = ReloadResult.parse(await this.call('supervisor.reloadConfig'));
    return { added, changed, removed };
  }

  async addProcessGroup(name: string): Promise<void> {
    await this.callTolerating('supervisor.addProcessGroup', [name], [SupervisordFault.AlreadyAdded]);
  }

  /** Removes a stopped group; an unknown one is already removed. */
  async removeProcessGroup(name: string): Promise<void> {
    await this.callTolerating('supervisor.removeProcessGroup', [name], [SupervisordFault.BadName]);
  }

  async startProcess(name: string, wait: boolean): Promise<void> {
    await this.callTolerating('supervisor.startProcess', [name, wait], [SupervisordFault.AlreadyStarted]);
  }

  /** Stops (stopsignal, then SIGKILL after stopwaitsecs) and waits; stopped or unknown is fine. */
  async stopProcess(name: string, timeoutMs: number): Promise<void> {
    await this.callTolerating('supervisor.stopProcess', [name, true], [SupervisordFault.NotRunning, SupervisordFault.BadName], timeoutMs);
  }

  /** The process, or undefined when supervisord has no such program. */
  async processInfo(name: string): Promise<ProcessInfo | undefined> {
    const info = await this.callTolerating('supervisor.getProcessInfo', [name], [SupervisordFault.BadName]);
    return info === undefined ? undefined : ProcessInfo.parse(info);
  }

  async allProcessInfo(): Promise<ProcessInfo[]> {
    return z.array(ProcessInfo).parse(await this.call('supervisor.getAllProcessInfo'));
  }

  async shutdown(): Promise<void> {
    await this.callTolerating('supervisor.shutdown', [], [SupervisordFault.Shutdown]);
  }
}
