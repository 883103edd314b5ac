"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerReleasesCommand = registerReleasesCommand;
const context_1 = require("../context");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const releases_lookup_1 = require("./releases-lookup");
const format_1 = require("../render/format");
function registerReleasesCommand(program) {
    const cmd = program
        .command('releases')
        .description('retained versions of a service (registry tags and artifact-store binaries), newest first — what `rollback --to` accepts')
        .argument('[service]', 'service name')
        .argument('[environment]', 'environment name (marks the live release)')
        .option('--image-repo <repo>', 'image repository (default: the spec\'s source.imageRepo, else <embedded registry>/<service>)');
    (0, context_1.addSpecOptions)(cmd);
    (0, context_1.addOutputOption)(cmd);
    (0, context_1.addConnectionOptions)(cmd);
    cmd.addHelpText('after', '\nExamples:\n  sluice releases checkout production\n  sluice releases checkout --image-repo 127.0.0.1:5000/checkout --output json\n');
    cmd.action(async (service, environment, opts) => {
        const ref = (0, context_1.resolveRef)(service, environment, opts);
        let imageRepo = opts.imageRepo;
        if (!imageRepo && (opts.file || (0, node_fs_1.existsSync)((0, node_path_1.resolve)(context_1.DEFAULT_SPEC_FILE)))) {
            const { spec } = (0, context_1.loadSpec)({ ...opts, env: ref.environment });
            if (spec.service === ref.service && spec.source.kind === 'build')
                imageRepo = spec.source.imageRepo;
        }
        const { releases, live, workflowId, link } = await (0, releases_lookup_1.listRetainedReleasesForCli)(ref, imageRepo, opts);
        if (opts.output === 'json') {
            console.log(JSON.stringify({ service: ref.service, environment: ref.environment, live: live ?? null, workflowId, link, releases }, null, 2));
            return;
        }
        if (releases.length === 0)
            console.log(`no retained releases of ${ref.service}`);
        else
            console.log((0, format_1.table)(['', 'version', 'image tag', 'digest', 'binary', 'built'], releases.map((r) => [
                r.version === live ? '*' : '',
                r.version,
                r.imageTag,
                r.digest ? r.digest.slice(0, 19) : '-',
                r.binaryPath ? 'yes' : '-',
                r.builtAt ?? '',
            ])));
        if (workflowId)
            console.log(`\n${live ? `* live in ${ref.environment}` : `live release in ${ref.environment} unknown`}\nworkflow ${workflowId}\nweb ui   ${link}`);
    });
}
//# sourceMappingURL=releases.js.map