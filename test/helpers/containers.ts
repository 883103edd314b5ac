import type Docker from 'dockerode';

/**
 * Containers a test runs itself (not through a target): one-shot commands and long-running
 * processes whose log lines the test waits for.
 */
export interface Output {
  stdout: string;
  stderr: string;
}

/** Splits Docker's multiplexed log stream (8-byte frame headers: stream, 0, 0, 0, size) into stdout and stderr. */
export function demux(buf: Buffer): Output {
  const out = { stdout: '', stderr: '' };
  for (let at = 0; at + 8 <= buf.length;) {
    const size = buf.readUInt32BE(at + 4);
    const text = buf.subarray(at + 8, at + 8 + size).toString('utf8');
    if (buf[at] === 2) out.stderr += text;
    else out.stdout += text;
    at += 8 + size;
  }
  return out;
}

export async function containerOutput(container: Docker.Container): Promise<Output> {
  return demux((await container.logs({ stdout: true, stderr: true })) as unknown as Buffer);
}

/** Runs a container to its end and removes it: its exit code and output. */
export async function runToEnd(docker: Docker, options: Docker.ContainerCreateOptions, timeoutMs = 60_000): Promise<Output & { code: number }> {
  const container = await docker.createContainer(options);
  try {
    await container.start();
    const exited = (await Promise.race([
      container.wait(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`${options.Image} ${JSON.stringify(options.Cmd ?? [])} ran longer than ${timeoutMs} ms`)), timeoutMs).unref()),
    ])) as { StatusCode: number };
    return { code: exited.StatusCode, ...(await containerOutput(container)) };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** Waits until the container has written a line matching `pattern`; fails early when it exits. */
export async function waitForOutput(container: Docker.Container, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stdout, stderr } = await containerOutput(container);
    if (pattern.test(stdout) || pattern.test(stderr)) return;
    const { State } = await container.inspect();
    const tail = `${stdout}${stderr}`.slice(-3000);
    if (!State.Running) throw new Error(`the container exited (${State.ExitCode}) before writing ${pattern}:\n${tail}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${tail}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
