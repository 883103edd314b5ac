/**
 * The installable package, as a person outside this repository gets it: `npm pack` gives a
 * tarball, `npm install -g` puts it into an empty prefix (dependencies from npm's cache, as
 * `npm ci` filled it), and the `sluice` on that prefix's PATH works from anywhere:
 * - `sluice --version` is the package's version;
 * - `sluice deploy --dry-run` validates the example service's sluice.yaml and prints it;
 * - `sluice completion bash`, sourced by bash with Debian's bash-completion, completes `sluice dep`
 *   to `deploy` and `sluice dev ` to the dev commands; so does `sluice completion zsh` in zsh.
 * - `sluice worker` bundles the workflows from the installed package and polls the stack's Temporal.
 * Nothing of the repository is used after the install: the commands run from a copy of the
 * example directory, with HOME pointing at an empty directory.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { temporalAddress } from '../../src/dev/config';
import { packageRoot } from '../../src/lib/paths';
import { stack, uniqueName } from '../helpers/stack';

const execFileAsync = promisify(execFile);
const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';
const ZSH = '/usr/bin/zsh';

describe('the npm package: pack, install into an empty prefix, run sluice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-package-'));
  const prefix = join(dir, 'prefix');
  const home = join(dir, 'home');
  let env: NodeJS.ProcessEnv;
  let files: string[] = [];

  before(async () => {
    const { stdout } = await execFileAsync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: packageRoot(), maxBuffer: 64 * 1024 * 1024 });
    const packed = (JSON.parse(stdout) as { filename: string; files: { path: string }[] }[])[0]!;
    files = packed.files.map((f) => f.path);
    // A user's global install, from the tarball alone. Install scripts stay off (npm's default for
    // global installs): the package must not need them.
    await execFileAsync('npm', ['install', '-g', '--prefix', prefix, join(dir, packed.filename), '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
    });
    cpSync(join(packageRoot(), 'examples', 'go-service'), join(dir, 'go-service'), { recursive: true });
    env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, HOME: home, LANG: 'C.UTF-8' };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sluice = (args: string[], cwd = dir) => execFileAsync('sluice', args, { cwd, env });

  test('the tarball holds the compiled CLI and what it reads at run time, and no tests or benchmarks', () => {
    for (const needed of [
      'bin/sluice.js',
      'dist/src/cli/main.js',
      'dist/src/workflows/index.js',
      'deploy/prometheus',
      'deploy/grafana/sluice.json',
      'examples/go-service/sluice.yaml',
      'tools/k8s/kubernetes/go.mod',
    ]) {
      assert.ok(
        files.some((f) => f === needed || f.startsWith(`${needed}/`)),
        `${needed} is in the tarball`,
      );
    }
    assert.deepEqual(
      files.filter((f) => /^(test|bench|src|dist\/test|dist\/bench)\//.test(f)),
      [],
      'no sources, tests or benchmarks',
    );
    assert.ok(existsSync(join(prefix, 'bin', 'sluice')), 'sluice is on the prefix PATH');
    assert.ok(readdirSync(join(prefix, 'lib', 'node_modules')).includes('sluice'));
  });

  test('sluice --version is the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    assert.equal((await sluice(['--version'])).stdout.trim(), version);
  });

  test("sluice deploy --dry-run validates the example's sluice.yaml with defaults filled", async () => {
    const { stdout } = await sluice(['deploy', '--dry-run'], join(dir, 'go-service'));
    const spec = JSON.parse(stdout) as { service: string; source: { repoDir: string }; strategy: { kind: string; steps: unknown[] } };
    assert.equal(spec.service, 'go-service');
    assert.equal(spec.source.repoDir, join(dir, 'go-service'), 'repoDir resolved against the spec file');
    assert.equal(spec.strategy.kind, 'canary');
    assert.equal(spec.strategy.steps.length, 5);
  });

  /**
   * Runs `script` in `shell` with a command line's words as "$@" and returns the candidates it
   * prints, one per line; `dev ` must offer the dev commands and `dep` exactly deploy.
   */
  const completions = (shell: string, flags: string[], script: string[], words: string[]) =>
    execFileAsync(shell, [...flags, '-c', script.join('\n'), shell, ...words], { cwd: dir, env }).then((r) => r.stdout.split('\n').filter(Boolean));
  const DEV_COMMANDS = ['down', 'help', 'prepare', 'service-proxy', 'status', 'up'];

  test(
    'sluice completion bash, sourced by bash, completes `sluice dep` and `sluice dev `',
    { skip: existsSync(BASH_COMPLETION) ? undefined : `${BASH_COMPLETION} is missing (Debian package bash-completion)` },
    async () => {
      // Calls the function the script registered for `sluice` (complete -p), as bash would on TAB.
      const script = [
        `source ${BASH_COMPLETION}`,
        'source <(sluice completion bash)',
        'fn=$(complete -p sluice | sed -E "s/.*-F ([^ ]+) .*/\\1/")',
        'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
        '"$fn" 2>/dev/null',
        'printf "%s\\n" "${COMPREPLY[@]}"',
      ];
      assert.deepEqual(await completions('bash', [], script, ['sluice', 'dep']), ['deploy']);
      assert.deepEqual((await completions('bash', [], script, ['sluice', 'dev', ''])).sort(), DEV_COMMANDS);
    },
  );

  test(
    'sluice completion zsh, sourced by zsh, completes `sluice dep` and `sluice dev `',
    { skip: existsSync(ZSH) ? undefined : `${ZSH} is missing (Debian package zsh)` },
    async () => {
      // zsh runs the script's own _sluice with the words of a command line, as on TAB. Only the
      // completion-system builtins it ends in are stand-ins (they need the line editor of an
      // interactive shell): compdef and compadd do nothing, and _describe prints the candidates
      // the script computed, one per line, without their descriptions.
      const script = [
        'compdef() { : }',
        '_describe() { print -l -- ${completions%%:*} }',
        'compadd() { : }',
        'source <(sluice completion zsh)',
        'words=("$@"); CURRENT=$#',
        '_sluice 2>/dev/null',
      ];
      assert.deepEqual(await completions(ZSH, ['-f'], script, ['sluice', 'dep']), ['deploy']);
      assert.deepEqual((await completions(ZSH, ['-f'], script, ['sluice', 'dev', ''])).sort(), DEV_COMMANDS);
    },
  );

  test('sluice worker from the package bundles its workflows and polls Temporal; SIGTERM stops it', { timeout: 180_000 }, async () => {
    const worker = spawn('sluice', ['worker', '--task-queue', uniqueName('package'), '--metrics-port', '0', '--address', temporalAddress(stack)], {
      cwd: dir,
      env: { ...env, SLUICE_STATE_DIR: stack.stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(worker, 'exit');
    try {
      const deadline = Date.now() + 150_000;
      while (!/"state":"RUNNING"/.test(output)) {
        assert.equal(worker.exitCode, null, `the worker exited early:\n${output.slice(-2000)}`);
        assert.ok(Date.now() < deadline, `no RUNNING worker within 150 s:\n${output.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.match(output, /Workflow bundle created/);
      assert.match(output, /lib\/node_modules\/sluice\/dist\/src\/workflows/, 'bundled from the installed package');
    } finally {
      worker.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0, `the worker drains and exits 0 on SIGTERM:\n${output.slice(-2000)}`);
    }
  });
});
