/**
 * What the stack's kube-service-proxy serves, from Services and Pods as the API returns them, and
 * the runtime commands that move its HAProxy from one set of pods to the next. No cluster needed:
 * these are the decisions; test/kubernetes/service-proxy-pods.test.ts runs them on real pods.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { k8s } from '../../src/lib/kubernetes';
import { proxiedPorts } from '../../src/dev/service-proxy/endpoints';
import { commandsFor, serverSlots } from '../../src/dev/service-proxy/haproxy';

function service(name: string, type: string, selector?: Record<string, string>): k8s.V1Service {
  return {
    metadata: { name, namespace: 'shop' },
    spec: { type, selector, ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 31000, protocol: 'TCP' }] },
  } as k8s.V1Service;
}

function pod(name: string, labels: Record<string, string>, o: { ready?: boolean; deleting?: boolean; host?: string; port?: number; namespace?: string } = {}): k8s.V1Pod {
  return {
    metadata: { name, namespace: o.namespace ?? 'shop', labels, ...(o.deleting ? { deletionTimestamp: new Date() } : {}) },
    spec: { hostNetwork: true, containers: [{ name: 'app', ports: [{ name: 'http', containerPort: o.port ?? 8080 }] }] },
    status: { hostIP: o.host ?? '127.0.0.2', podIP: '10.1.1.1', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  } as k8s.V1Pod;
}

test('a NodePort Service is served by its ready pods: the node address of host-network pods, the named port of each pod', () => {
  const app = { app: 'checkout' };
  const ports = proxiedPorts(
    [service('checkout', 'NodePort', app), service('internal', 'ClusterIP', app), service('external', 'NodePort')],
    [
      pod('stable-a', { ...app, slot: 'main' }, { host: '127.0.0.2', port: 8080 }),
      pod('canary-a', { ...app, slot: 'canary' }, { host: '127.0.0.2', port: 8081 }),
      pod('starting', app, { ready: false, host: '127.0.0.3' }),
      pod('leaving', app, { deleting: true, host: '127.0.0.4' }),
      pod('other-namespace', app, { namespace: 'billing', host: '127.0.0.5' }),
      pod('other-app', { app: 'billing' }, { host: '127.0.0.6' }),
    ],
  );
  assert.equal(ports.length, 1, 'only the NodePort Service with a selector (ClusterIP addresses are never reachable here)');
  assert.equal(ports[0]!.key, 'shop/checkout:http');
  assert.equal(ports[0]!.nodePort, 31000);
  assert.deepEqual(
    ports[0]!.endpoints.map((e) => `${e.host}:${e.port} ${e.pod}`),
    ['127.0.0.2:8080 shop/stable-a', '127.0.0.2:8081 shop/canary-a'],
  );
});

test("the proxy's servers follow the pods: kept where they are, new pods on free servers, pods gone to maintenance", () => {
  const current = [
    { server: 'ep0', address: '127.0.0.2', port: 8080, state: 'ready' as const },
    { server: 'ep1', address: '127.0.0.3', port: 8080, state: 'ready' as const },
    { server: 'ep2', address: '127.0.0.1', port: 1, state: 'maint' as const },
    { server: 'ep3', address: '127.0.0.4', port: 8080, state: 'drain' as const },
  ];
  const commands = commandsFor(current, [
    { host: '127.0.0.2', port: 8080, pod: 'shop/a' },
    { host: '127.0.0.4', port: 8081, pod: 'shop/c' },
  ]);
  assert.deepEqual(commands, [
    'set server endpoints/ep1 state maint',
    'set server endpoints/ep3 state maint',
    'set server endpoints/ep1 addr 127.0.0.4 port 8081',
    'set server endpoints/ep1 state ready',
  ]);
  assert.deepEqual(
    commandsFor(current.slice(0, 2), [
      { host: '127.0.0.2', port: 8080, pod: 'shop/a' },
      { host: '127.0.0.3', port: 8080, pod: 'shop/b' },
    ]),
    [],
    'nothing to do when the pods are those served',
  );
  assert.deepEqual([serverSlots(0), serverSlots(8), serverSlots(9), serverSlots(40)], [8, 8, 16, 64]);
});
