/**
 * Traffic by replica ratio through a real proxy, on real pods: the replica-ratio router with a
 * NodePort Service, and the stack's kube-service-proxy (HAProxy fed from the Service's ready
 * pods) on 127.0.0.1:<nodePort>. Three replicas of the example service on the three shared nodes:
 * - before the canary every connection reaches v1;
 * - at 33% one canary pod and two stable pods are ready, and a third of the connections reach v2
 *   (within 10 points; HAProxy's round robin over three pods gives exactly a third here);
 * - after an abort every connection reaches v1 again, and the proxy serves the three stable pods.
 * Each connection is a new one: the proxy balances connections, as kube-proxy does.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { baseName } from '../../src/activities/targets/kubernetes/manifests';
import type { ServiceProxyStatus } from '../../src/dev/service-proxy/daemon';
import { loadKubeStackConfig } from '../../src/dev/components/kube-config';
import { settleDeployment } from '../../src/domain/result';
import { abortSignal } from '../../src/workflows/definitions';
import { eventually } from '../helpers/stack';
import { waitForStatus } from '../workflows/support/harness';
import { stackConfig } from './cluster';
import { ENVIRONMENT, realPodsSuite, skip, V1, V2 } from './real-pods-support';

const REPLICAS = 3;
const CONNECTIONS = 90;
// The stable shrinks as the canary grows (keepStableFull off), so 33 % is one pod of three.
const ROUTER = { kind: 'replica-ratio', settings: { serviceType: 'NodePort', keepStableFull: false } } as const;

async function proxyStatus(): Promise<ServiceProxyStatus> {
  const res = await fetch(`http://127.0.0.1:${loadKubeStackConfig(stackConfig).serviceProxy.port}/healthz`, { signal: AbortSignal.timeout(2000) });
  return (await res.json()) as ServiceProxyStatus;
}

/** The version behind one new connection to the node port. */
function versionOnce(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/version', agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 ? (JSON.parse(body) as { version: string }).version : `HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', reject);
    req.end();
  });
}

async function versionsThroughProxy(port: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < CONNECTIONS; i++) {
    const version = await versionOnce(port);
    counts[version] = (counts[version] ?? 0) + 1;
  }
  return counts;
}

describe('replica-ratio traffic through the stack service proxy, on real pods', { skip: skip() }, () => {
  const suite = realPodsSuite('k8s-proxy', [V1, V2]);

  it('splits connections by ready pods: all to v1, a third to the v2 canary at 33%, all to v1 after the abort', { timeout: 300000 }, async (t) => {
    const env = await suite.environment(t);
    const settings = { replicas: REPLICAS };
    const first = await env.deploy(env.spec(V1, { kind: 'canary', steps: [{ kind: 'setWeight', weight: 100 }], scaleDownDelay: '0s' }, settings, { router: ROUTER }));
    assert.equal(first.result.outcome, 'promoted', first.result.message);

    const service = await suite.clients.core.readNamespacedService({ name: baseName({ service: env.service, environment: ENVIRONMENT }), namespace: env.namespace });
    assert.equal(service.spec?.type, 'NodePort');
    const nodePort = service.spec!.ports![0]!.nodePort!;
    const key = `${env.namespace}/${service.metadata!.name}:http`;
    const addresses = (endpoints: readonly { host: string; port: number }[]) => endpoints.map((e) => `${e.host}:${e.port}`).sort();
    /** Waits until the proxy's pods for the Service are what `wanted` says (described by `what`); returns them. */
    const served = (what: string, wanted: (endpoints: string[]) => boolean) => {
      let last: unknown;
      return eventually(
        () => `the proxy serves ${what} for ${key} (last seen: ${JSON.stringify(last)})`,
        async () => {
          const port = (await proxyStatus()).ports.find((p) => p.key === key);
          last = port && addresses(port.endpoints);
          return port && port.nodePort === nodePort && wanted(addresses(port.endpoints)) ? addresses(port.endpoints) : undefined;
        },
        60000,
        250,
      );
    };

    const stable = await served(`${REPLICAS} pods`, (e) => e.length === REPLICAS);
    assert.equal(new Set(stable.map((a) => a.split(':')[0])).size, REPLICAS, `one stable pod per node: ${stable.join(', ')}`);
    assert.deepEqual(await versionsThroughProxy(nodePort), { [V1]: CONNECTIONS }, 'before the canary, every connection reaches v1');

    const handle = await env.start(
      env.spec(V2, { kind: 'canary', steps: [{ kind: 'setWeight', weight: 33 }, { kind: 'pause' }], scaleDownDelay: '0s' }, settings, { router: ROUTER }),
    );
    await waitForStatus(handle, 'the 33% pause', (s) => s.phase === 'awaiting-approval' && s.weight === 33, 120000);
    // One canary pod (on the canary's port) beside two of the stable pods.
    await served('two stable pods and one canary pod', (e) => e.length === REPLICAS && e.filter((a) => !stable.includes(a)).length === 1);
    const split = await versionsThroughProxy(nodePort);
    const share = (split[V2] ?? 0) / CONNECTIONS;
    assert.deepEqual(Object.keys(split).sort(), [V1, V2].sort(), JSON.stringify(split));
    assert.ok(Math.abs(share - 1 / 3) <= 0.1, `a third of the connections reach the canary (±10 points): ${JSON.stringify(split)}`);
    t.diagnostic(`${CONNECTIONS} connections at 33%: ${JSON.stringify(split)}`);

    await handle.signal(abortSignal, 'proxy test', 'tester');
    const result = await settleDeployment(handle.result());
    assert.equal(result.outcome, 'aborted', result.message);
    await served('the stable pods again', (e) => e.join() === stable.join());
    assert.deepEqual(await versionsThroughProxy(nodePort), { [V1]: CONNECTIONS }, 'after the abort, every connection reaches v1');
  });
});
