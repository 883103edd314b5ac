"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.applyManifests = applyManifests;
const yaml_1 = require("yaml");
const kubernetes_client_1 = require("../../activities/targets/kubernetes-client");
/** Server-side applies every document of a multi-document YAML text with the admin kubeconfig. */
async function applyManifests(kube, text) {
    const clients = await (0, kubernetes_client_1.connectKubernetes)({ kubeconfig: kube.kubeconfig });
    const objects = (0, yaml_1.parseAllDocuments)(text)
        .map((doc) => doc.toJS())
        .filter((o) => o !== null && typeof o === 'object' && typeof o.kind === 'string');
    for (const object of objects)
        await (0, kubernetes_client_1.serverSideApply)(clients, object);
    return objects.length;
}
//# sourceMappingURL=kube-apply.js.map