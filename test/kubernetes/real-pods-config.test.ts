/**
 * Build × config on real pods (issue 16 on Kubernetes): the stack's kubelet nodes run the example
 * service with `network: host`, so each pod is a process on this machine and what it runs with is
 * read from the process itself (/proc/<pid>/environ of whatever listens on the pod's address and
 * port). `sluice rollback --to` an older build brings back the config version it was live with,
 * read by the kubelet from that version's ConfigMap, and the secret from the namespace's Secret.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { describeResult, runCli } from '../cli/helpers';
import { parseEnv } from '../config/instances';
import { ENVIRONMENT, isReady, realPodsSuite, skip, V1, V2 } from './real-pods-support';

const execFileAsync = promisify(execFile);

/** The environment of the process listening on host:port (a hostNetwork pod's container). */
async function environOfListener(host: string, port: number): Promise<Record<string, string>> {
  const { stdout } = await execFileAsync('ss', ['-Hltnp', `src ${host}:${port}`]);
  const pid = /pid=(\d+)/.exec(stdout)?.[1];
  assert.ok(pid, `a process listens on ${host}:${port}: ${stdout}`);
  return parseEnv((await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0'));
}

describe('build × config on real pods: a rollback restores the config version on the running pods', { skip: skip() }, () => {
  const suite = realPodsSuite('k8s-pods-config', [V1, V2], 'k8s-config-go-service');

  it('rollback --to the older build runs it again with the config version it was live with, and the secret', { timeout: 300000 }, async (t) => {
    const env = await suite.environment(t);
    const token = `tok-${randomBytes(12).toString('hex')}`;
    await suite.clients.core.createNamespacedSecret({ namespace: env.namespace, body: { metadata: { name: `${env.service}-${ENVIRONMENT}` }, stringData: { API_TOKEN: token } } });
    const withConfig = (mark: string) => ({ config: { source: 'env' as const, values: { MARK: mark }, secrets: ['API_TOKEN'] } });
    const straight = { kind: 'canary' as const, steps: [{ setWeight: 100 }], scaleDownDelay: '0s' };
    const running = async () => {
      const pods = (await env.pods('main')).filter(isReady);
      return Promise.all(pods.map((p) => environOfListener(p.status!.hostIP!, env.port)));
    };

    for (const [version, mark] of [
      [V1, 'a'],
      [V2, 'b'],
    ] as const) {
      const { result } = await env.deploy(env.spec(version, straight, {}, withConfig(mark)));
      assert.equal(result.outcome, 'promoted', `${version}: ${result.message}`);
      await env.servesEverywhere(version);
    }
    for (const e of await running()) assert.deepEqual([e.MARK, e.API_TOKEN === token], ['b', true]);

    const back = await runCli(['rollback', env.service, ENVIRONMENT, '--to', V1, '--wait'], { env: { SLUICE_TASK_QUEUE: suite.e2e.taskQueue } });
    assert.equal(back.code, 0, describeResult(back));
    await env.servesEverywhere(V1);
    const after = await running();
    assert.equal(after.length, 2);
    for (const e of after) assert.deepEqual([e.MARK, e.API_TOKEN === token], ['a', true], 'V1 runs with the config it was live with, and the secret from the Secret');
  });
});
