"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.listRetainedReleasesForCli = listRetainedReleasesForCli;
const releases_1 = require("../../client/releases");
const client_1 = require("../../client");
const context_1 = require("../context");
/**
 * Retained releases need no Temporal at all (they are read from the registry and the artifact
 * store), so Temporal is only asked, best effort, which one is live.
 */
async function listRetainedReleasesForCli(ref, imageRepo, opts) {
    const releases = await (0, releases_1.listRetainedReleases)(ref.service, { imageRepo });
    const settings = (0, context_1.connectionSettings)(opts);
    const workflowId = (0, client_1.deploymentWorkflowId)(ref.service, ref.environment);
    let live;
    try {
        live = await (0, context_1.withClient)(opts, async (client) => {
            const snap = await client.snapshot(ref);
            const s = snap.result ?? snap.status;
            if (!s)
                return undefined;
            if ('outcome' in s && s.outcome === 'promoted')
                return s.release?.version;
            return s.previous?.version ?? undefined;
        });
    }
    catch {
        live = undefined;
    }
    return { releases, live, workflowId, link: (0, client_1.workflowUiLink)(settings.uiUrl, settings.namespace, workflowId) };
}
//# sourceMappingURL=releases-lookup.js.map