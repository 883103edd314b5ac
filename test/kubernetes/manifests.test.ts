/**
 * The Kubernetes target's pod template and settings, with no cluster: what `network: host` writes
 * (a port per slot, the node's address from the downward API, probes on the slot's port, one pod
 * of a slot per node), that the default template is what it always was, and the settings the
 * edge refuses, down to `sluice deploy --dry-run`.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { k8s } from '../../src/activities/targets/kubernetes/client';
import { deploymentOfUrl, podUrl } from '../../src/activities/targets/kubernetes/instances';
import { SLOT_PORT_OFFSET, podTemplate, slotPort, type Scope, type Slot } from '../../src/activities/targets/kubernetes/manifests';
import { KubernetesTargetSettings } from '../../src/activities/targets/kubernetes/schema';
import { parseReleaseSpec } from '../../src/domain/validate';
import { catalogue } from '../helpers/stack';
import { describeResult, runCli, specDir } from '../cli/helpers';
import { release } from './fixtures';

const SLOTS: readonly Slot[] = ['main', 'canary', 'blue', 'green', 'baseline'];
const REAL_NODES = {
  nodeSelector: { 'sluice.dev/node': 'real' },
  tolerations: [{ key: 'sluice.dev/real-node', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
};

function scope(settings: Record<string, unknown>, workflowId = 'deploy/web/test'): Scope {
  return { service: 'web', environment: 'test', namespace: 'ns', settings: KubernetesTargetSettings.parse(settings), workflowId };
}

const v1 = release('web', '1.0.0+aaaaaaa');

describe('the pod template', () => {
  it('with the default settings is what it was before network, nodeSelector and tolerations existed', () => {
    const template = podTemplate(scope({}), 'canary', v1);
    assert.deepEqual(template.spec, {
      containers: [
        {
          name: 'app',
          image: v1.imageRef,
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [{ name: 'ADDR', value: '0.0.0.0:8080' }],
          readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 1 },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
        },
      ],
    });
  });

  it('with network host: hostNetwork, the node address from status.hostIP, a port per slot, probes on it, one pod of a slot per node', () => {
    const s = scope({ network: 'host', containerPort: 18080, env: { LOG_LEVEL: 'debug' }, ...REAL_NODES });
    const ports = new Set<number>();
    for (const slot of SLOTS) {
      const spec = podTemplate(s, slot, v1).spec!;
      const port = 18080 + SLOT_PORT_OFFSET[slot];
      assert.equal(slotPort(s.settings, slot), port);
      ports.add(port);
      assert.equal(spec.hostNetwork, true);
      assert.equal(spec.dnsPolicy, 'ClusterFirstWithHostNet');
      assert.deepEqual(spec.nodeSelector, { 'sluice.dev/node': 'real' });
      assert.deepEqual(spec.tolerations, REAL_NODES.tolerations);
      assert.deepEqual(spec.affinity, {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: { 'sluice.dev/service': 'web', 'sluice.dev/environment': 'test', 'sluice.dev/slot': slot } },
              topologyKey: 'kubernetes.io/hostname',
            },
          ],
        },
      });
      const [container] = spec.containers;
      assert.deepEqual(container!.ports, [{ name: 'http', containerPort: port, hostPort: port }]);
      // HOST_IP first: the kubelet expands $(HOST_IP) only from variables defined before it.
      assert.deepEqual(container!.env, [
        { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'ADDR', value: `$(HOST_IP):${port}` },
        { name: 'LOG_LEVEL', value: 'debug' },
      ]);
      // The probes name the container's one port, the slot's.
      assert.deepEqual(container!.readinessProbe!.httpGet, { path: '/readyz', port: 'http' });
      assert.deepEqual(container!.livenessProbe!.httpGet, { path: '/healthz', port: 'http' });
    }
    assert.equal(ports.size, SLOTS.length, 'no two slots share a port');
  });

  it('is the same for two deploys of a release (no workflow id, no time), so a rollback reuses its ReplicaSet', () => {
    const settings = { network: 'host', ...REAL_NODES };
    const first = podTemplate(scope(settings, 'deploy/web/test#1'), 'main', v1);
    const second = podTemplate(scope(settings, 'deploy/web/test#2'), 'main', v1);
    assert.equal(JSON.stringify(first), JSON.stringify(second));
  });

  it("keeps a candidate's own environment but never lets it move the address of a host-network pod", () => {
    const env = podTemplate(scope({ network: 'host' }), 'canary', v1, { FAULT_ERROR_RATE: '0.2', ADDR: '0.0.0.0:80', HOST_IP: '10.0.0.1' }).spec!.containers[0]!.env!;
    assert.deepEqual(
      env.map((e) => e.name),
      ['HOST_IP', 'ADDR', 'FAULT_ERROR_RATE'],
    );
    assert.equal(env[1]!.value, '$(HOST_IP):8081');
  });

  it("reads a release's configuration from its content-named ConfigMap and its secrets from the scope's Secret, under a drill's fault", () => {
    const config = {
      version: {
        digest: `sha256:${'ab'.repeat(32)}`,
        id: 'cfg-abababababab',
        source: 'env',
        sourceKind: 'env' as const,
        revision: null,
        keys: ['FAULT_ERROR_RATE', 'GREETING'],
        secrets: ['API_TOKEN'],
      },
      values: { GREETING: 'hello', FAULT_ERROR_RATE: '0' },
    };
    const withConfig = { ...v1, config };
    const template = podTemplate(scope({ env: { GREETING: 'from-target', LOG_LEVEL: 'info' } }), 'canary', withConfig, { FAULT_ERROR_RATE: '0.3' });
    assert.deepEqual(template.spec!.containers[0]!.env, [
      { name: 'ADDR', value: '0.0.0.0:8080' },
      { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'web-test-cfg-abababababab', key: 'GREETING' } } },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'FAULT_ERROR_RATE', value: '0.3' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'web-test', key: 'API_TOKEN' } } },
    ]);
    assert.equal(template.metadata!.labels!['sluice.dev/config'], 'cfg-abababababab');
    // Another config version is another template: the Deployment rolls.
    const other = podTemplate(scope({}), 'main', { ...v1, config: { ...config, version: { ...config.version, id: 'cfg-cdcdcdcdcdcd' } } });
    assert.notEqual(JSON.stringify(other.spec), JSON.stringify(podTemplate(scope({}), 'main', withConfig).spec));
    assert.equal(podTemplate(scope({ secretName: 'web-secrets' }), 'main', withConfig).spec!.containers[0]!.env!.at(-1)!.valueFrom!.secretKeyRef!.name, 'web-secrets');
    // Without a configuration the template has no config label (its hash is what it always was).
    assert.equal(podTemplate(scope({}), 'main', v1).metadata!.labels!['sluice.dev/config'], undefined);
  });
});

describe('the instances behind a candidate URL', () => {
  it('reads the Deployment from a kubernetes:// URL and nothing else', () => {
    assert.deepEqual(deploymentOfUrl('kubernetes://shop/deployments/web-test-canary?kubeconfig=%2Fk'), { namespace: 'shop', name: 'web-test-canary' });
    assert.equal(deploymentOfUrl('http://127.0.0.1:8080'), undefined);
    assert.equal(deploymentOfUrl('kubernetes://shop/services/web'), undefined);
    assert.equal(deploymentOfUrl('kubernetes://shop/deployments/'), undefined);
  });

  it('addresses a host-network pod at its node and slot port, any other pod at its own IP', () => {
    const pod = (hostNetwork: boolean): k8s.V1Pod => ({
      spec: { hostNetwork, containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 18081 }] }] },
      status: { hostIP: '127.0.0.3', podIP: hostNetwork ? '127.0.0.3' : '10.244.1.7' },
    });
    assert.equal(podUrl(pod(true), 'app'), 'http://127.0.0.3:18081');
    assert.equal(podUrl(pod(false), 'app'), 'http://10.244.1.7:18081');
    assert.equal(podUrl({ ...pod(true), status: {} }, 'app'), undefined, 'no address before the pod is placed');
  });
});

describe('target settings are refused at the edge', () => {
  const spec = (settings: Record<string, unknown>) => ({
    service: 'web',
    environment: 'production',
    source: { kind: 'prebuilt', version: '1.0.0', imageRef: `127.0.0.1:5000/web@sha256:${'a'.repeat(64)}` },
    target: { kind: 'kubernetes', settings },
    router: { kind: 'replica-ratio' },
    strategy: { kind: 'canary', steps: [{ setWeight: 100 }] },
  });
  const errors = (settings: Record<string, unknown>) => {
    const parsed = parseReleaseSpec(spec(settings), catalogue);
    assert.equal(parsed.ok, false, `refused: ${JSON.stringify(settings)}`);
    return parsed.ok ? [] : parsed.errors;
  };

  it('accepts network host on real nodes and fills the defaults that keep pod networking', () => {
    const parsed = parseReleaseSpec(spec({ network: 'host', containerPort: 18080, ...REAL_NODES }), catalogue);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    const defaults = KubernetesTargetSettings.parse({});
    assert.deepEqual([defaults.network, defaults.nodeSelector, defaults.tolerations], ['pod', {}, []]);
    assert.equal(KubernetesTargetSettings.parse({ tolerations: [{ key: 'k' }] }).tolerations[0]!.operator, 'Equal', 'Equal by default, as Kubernetes does');
  });

  it('names each bad field and why', () => {
    assert.deepEqual(errors({ network: 'bridge' }), [{ path: 'target.settings.network', message: 'Invalid option: expected one of "pod"|"host"' }]);
    assert.deepEqual(errors({ network: 'host', containerPort: 65533 }), [
      { path: 'target.settings.containerPort', message: 'must be at most 65531 with network host: each slot listens on containerPort + 0..4' },
    ]);
    assert.deepEqual(errors({ network: 'host', env: { ADDR: '0.0.0.0:80' } }), [
      { path: 'target.settings.env.ADDR', message: "is set by the target with network host (the node's address and the slot's port)" },
    ]);
    assert.deepEqual(errors({ tolerations: [{ key: 'dedicated', operator: 'Exists', value: 'x' }] }), [
      { path: 'target.settings.tolerations[0].value', message: 'must be left out with operator Exists (it tolerates every value)' },
    ]);
    assert.deepEqual(
      errors({ tolerations: [{ key: 'dedicated', effect: 'NoRun' }] }).map((e) => e.path),
      ['target.settings.tolerations[0].effect'],
    );
    assert.deepEqual(
      errors({ nodeSelector: { 'not a key': 'real', ok: 'no spaces allowed' } }).map((e) => e.path),
      ['target.settings.nodeSelector.not a key', 'target.settings.nodeSelector.ok'],
    );
  });
});

describe('sluice deploy --dry-run', () => {
  const dirs: { remove: () => void }[] = [];
  after(() => dirs.forEach((d) => d.remove()));

  it('refuses bad host-network settings with the file position and field; prints the filled-in settings otherwise', async () => {
    const yaml = (settings: string) =>
      [
        'service: web',
        `source: { kind: prebuilt, version: 1.0.0, imageRef: "127.0.0.1:5000/web@sha256:${'a'.repeat(64)}" }`,
        'target:',
        '  kind: kubernetes',
        `  settings: ${settings}`,
        'router: { kind: replica-ratio }',
        'strategy: { kind: canary, steps: [ { setWeight: 100 } ] }',
      ].join('\n');
    const bad = specDir(yaml('{ network: host, containerPort: 65535, tolerations: [ { key: sluice.dev/real-node, operator: Exists, value: "true" } ] }'));
    const good = specDir(yaml('{ network: host, nodeSelector: { sluice.dev/node: real } }'));
    dirs.push(bad, good);

    const refused = await runCli(['deploy', '--dry-run', '-f', bad.file], { timeoutMs: 60000 });
    assert.equal(refused.code, 1, describeResult(refused));
    assert.match(refused.stderr, /sluice\.yaml:\d+:\d+: target\.settings\.containerPort: must be at most 65531 with network host/, describeResult(refused));
    assert.match(refused.stderr, /target\.settings\.tolerations\[0\]\.value: must be left out with operator Exists/, describeResult(refused));

    const printed = await runCli(['deploy', '--dry-run', '-f', good.file, '--output', 'json'], { timeoutMs: 60000 });
    assert.equal(printed.code, 0, describeResult(printed));
    const target = (JSON.parse(printed.stdout) as { target: { settings: Record<string, unknown> } }).target;
    assert.equal(target.settings.network, 'host');
    assert.deepEqual(target.settings.nodeSelector, { 'sluice.dev/node': 'real' });
  });
});
