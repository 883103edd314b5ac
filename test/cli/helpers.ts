import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/stack';

/** The CLI entry: src/cli/main.ts under tsx, dist/src/cli/main.js when compiled. */
export const cliEntry = require.resolve('../../src/cli/main');

/** tsx's loader by absolute URL, so the CLI can run from any cwd (a temp dir holding sluice.yaml). */
function loaderArgs(): string[] {
  return cliEntry.endsWith('.ts') ? ['--import', pathToFileURL(join(repoRoot(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href] : [];
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Starts `sluice <args>` as a child process (stdout/stderr piped, no TTY). */
export function startCli(args: string[], options: CliOptions = {}): ChildProcess & { output: () => CliResult; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [...loaderArgs(), cliEntry, ...args], {
    cwd: options.cwd ?? repoRoot(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timeout = options.timeoutMs ?? 300_000;
  const done = new Promise<CliResult>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return Object.assign(child, { output: () => ({ code: child.exitCode, stdout, stderr }), done });
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Resolves once the child's stdout contains `text` (or rejects when it exits first). */
export function waitForOutput(child: ReturnType<typeof startCli>, text: string | RegExp, timeoutMs = 120_000): Promise<void> {
  const matches = () => (typeof text === 'string' ? child.output().stdout.includes(text) : text.test(child.output().stdout));
  return new Promise((resolve, reject) => {
    if (matches()) return resolve();
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${String(text)} in CLI output within ${timeoutMs} ms:\n${child.output().stdout}\n${child.output().stderr}`));
    }, timeoutMs);
    const onData = () => {
      if (matches()) {
        cleanup();
        resolve();
      }
    };
    const onClose = () => {
      cleanup();
      if (matches()) resolve();
      else reject(new Error(`CLI exited before printing ${String(text)}:\n${child.output().stdout}\n${child.output().stderr}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('close', onClose);
    };
    child.stdout?.on('data', onData);
    child.once('close', onClose);
  });
}

/** A temp dir with a sluice.yaml; returns its path and a remover. */
export function specDir(yaml: string): { dir: string; file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  const file = join(dir, 'sluice.yaml');
  writeFileSync(file, yaml);
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function describeResult(r: CliResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
