import type { Component } from '../component';
import { etcdComponent } from './etcd';
import { kubeApiserverComponent } from './kube-apiserver';
import { kubeControllerManagerComponent } from './kube-controller-manager';
import { kubeNodeComponent } from './kube-node';
import { MAX_KUBE_NODES } from './kube-node-config';
import { kubeSchedulerComponent } from './kube-scheduler';
import { kubeServiceProxyComponent } from './kube-service-proxy';
import { kwokComponent } from './kwok';

/**
 * The optional local Kubernetes control plane (`sluice dev up --kubernetes`), in start order, with
 * kwok's fake nodes and the stand-in for kube-proxy.
 * The stack starts components side by side; each one that needs another waits for it in start().
 */
export const KUBERNETES_COMPONENTS: readonly Component[] = [
  etcdComponent,
  kubeApiserverComponent,
  kubeControllerManagerComponent,
  kubeSchedulerComponent,
  kwokComponent,
  kubeServiceProxyComponent,
];

/**
 * Every real node this stack can run (`kube-node-0` ... `kube-node-7`), after the control plane:
 * `dev down` stops them first, while the API server can still delete their Node objects.
 */
export const KUBE_NODE_COMPONENTS: readonly Component[] = Array.from({ length: MAX_KUBE_NODES }, (_, i) => kubeNodeComponent(i));

/** The first `count` real nodes (`dev up --kubernetes --kube-nodes <count>`). */
export function kubeNodeComponents(count: number): Component[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_KUBE_NODES) throw new Error(`the stack runs 0 to ${MAX_KUBE_NODES} real nodes, not ${count}`);
  return KUBE_NODE_COMPONENTS.slice(0, count);
}
