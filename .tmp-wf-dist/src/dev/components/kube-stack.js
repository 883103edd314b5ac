"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.KUBERNETES_COMPONENTS = void 0;
const etcd_1 = require("./etcd");
const kube_apiserver_1 = require("./kube-apiserver");
const kube_controller_manager_1 = require("./kube-controller-manager");
const kube_scheduler_1 = require("./kube-scheduler");
const kwok_1 = require("./kwok");
/**
 * The optional local Kubernetes control plane (`sluice dev up --kubernetes`), in start order.
 * The stack starts components side by side; each one that needs another waits for it in start().
 */
exports.KUBERNETES_COMPONENTS = [
    etcd_1.etcdComponent,
    kube_apiserver_1.kubeApiserverComponent,
    kube_controller_manager_1.kubeControllerManagerComponent,
    kube_scheduler_1.kubeSchedulerComponent,
    kwok_1.kwokComponent,
];
//# sourceMappingURL=kube-stack.js.map