import type { Component } from '../component';
import { etcdComponent } from './etcd';
import { kubeApiserverComponent } from './kube-apiserver';
import { kubeControllerManagerComponent } from './kube-controller-manager';
import { kubeSchedulerComponent } from './kube-scheduler';
import { kwokComponent } from './kwok';

/**
 * The optional local Kubernetes control plane (`sluice dev up --kubernetes`), in start order.
 * The stack starts components side by side; each one that needs another waits for it in start().
 */
export const KUBERNETES_COMPONENTS: readonly Component[] = [etcdComponent, kubeApiserverComponent, kubeControllerManagerComponent, kubeSchedulerComponent, kwokComponent];
