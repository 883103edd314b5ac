"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.statePath = statePath;
exports.callsPath = callsPath;
exports.readState = readState;
exports.writeState = writeState;
exports.writeRetained = writeRetained;
exports.readCalls = readCalls;
exports.createFileTargetActivities = createFileTargetActivities;
exports.probeHealth = probeHealth;
/**
 * A real but tiny target for workflow tests: the "environment" is a JSON file per service and
 * environment in a temp dir, every activity call is appended to a log file (so tests can check
 * the order of undo steps), and health endpoints are served by a real loopback HTTP server.
 * Activities are plain functions registered on a real worker against the real dev server.
 */
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const activity_1 = require("@temporalio/activity");
const EMPTY = { stable: null, canary: null, preview: null, warm: [] };
function statePath(dir, service, environment) {
    return (0, node_path_1.join)(dir, `${service}.${environment}.json`);
}
function callsPath(dir, service) {
    return (0, node_path_1.join)(dir, `${service}.calls.jsonl`);
}
function readState(dir, service, environment) {
    const path = statePath(dir, service, environment);
    return (0, node_fs_1.existsSync)(path) ? JSON.parse((0, node_fs_1.readFileSync)(path, 'utf8')) : structuredClone(EMPTY);
}
function writeState(dir, service, environment, state) {
    (0, node_fs_1.mkdirSync)(dir, { recursive: true });
    const path = statePath(dir, service, environment);
    (0, node_fs_1.writeFileSync)(`${path}.tmp`, JSON.stringify(state, null, 2));
    (0, node_fs_1.renameSync)(`${path}.tmp`, path);
}
/** What the registry/artifact store would list for `service` (newest first). */
function writeRetained(dir, service, releases) {
    const retained = releases.map((r) => ({
        version: r.version,
        imageTag: r.imageTag,
        digest: null,
        imageRef: r.imageRef ?? null,
        binaryPath: r.binaryPath ?? null,
        commit: r.commit || null,
    }));
    (0, node_fs_1.writeFileSync)((0, node_path_1.join)(dir, `${service}.retained.json`), JSON.stringify(retained));
}
function readCalls(dir, service) {
    const path = callsPath(dir, service);
    if (!(0, node_fs_1.existsSync)(path))
        return [];
    return (0, node_fs_1.readFileSync)(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
const same = (a, b) => !!a && a.version === b.version;
function knobs(ref) {
    const s = ref.target.settings;
    return { deployMs: s.deployMs ?? 0, promoteMs: s.promoteMs ?? 0, failPromote: s.failPromote ?? false };
}
/** Sleeps like a slow daemon would, heartbeating so cancellation arrives. */
async function work(ms) {
    const ctx = activity_1.Context.current();
    const until = Date.now() + ms;
    while (Date.now() < until) {
        ctx.heartbeat();
        await ctx.sleep(Math.min(100, until - Date.now()));
    }
}
function createFileTargetActivities(options) {
    const { dir } = options;
    const record = (call) => (0, node_fs_1.appendFileSync)(callsPath(dir, call.service), `${JSON.stringify({ at: Date.now(), ...call })}\n`);
    const update = (ref, fn) => {
        const state = readState(dir, ref.service, ref.environment);
        fn(state);
        writeState(dir, ref.service, ref.environment, state);
        return state;
    };
    const urlFor = (release) => `${options.healthBase}/${release.imageTag}`;
    const deploy = {
        async currentRelease(ref) {
            record({ name: 'currentRelease', service: ref.service });
            return readState(dir, ref.service, ref.environment).stable;
        },
        async deployCandidate(input) {
            await work(knobs(input).deployMs);
            update(input, (s) => {
                if (input.role === 'canary')
                    s.canary = { release: input.release, weight: 0 };
                else if (input.role === 'preview')
                    s.preview = input.release;
            });
            record({ name: 'deployCandidate', service: input.service, version: input.release.version, role: input.role });
            return { role: input.role, release: input.release, url: urlFor(input.release) };
        },
        async setTrafficWeight(input) {
            update(input, (s) => {
                if (s.canary && same(s.canary.release, input.release))
                    s.canary.weight = input.weight;
                else if (input.weight !== 0) {
                    throw activity_1.ApplicationFailure.create({ type: 'TestNoCanary', nonRetryable: true, message: `no canary ${input.release.version} to weigh` });
                }
            });
            record({ name: 'setTrafficWeight', service: input.service, version: input.release.version, weight: input.weight });
        },
        async promoteCandidate(input) {
            await work(knobs(input).promoteMs);
            if (knobs(input).failPromote) {
                record({ name: 'promoteCandidate:failed', service: input.service, version: input.release.version });
                throw activity_1.ApplicationFailure.create({ type: 'TestPromoteRefused', nonRetryable: true, message: 'the router refused the new backend' });
            }
            update(input, (s) => {
                const role = input.role;
                if (role === 'canary' && s.canary && same(s.canary.release, input.release))
                    s.canary = null;
                if (role === 'preview' && same(s.preview, input.release))
                    s.preview = null;
                if (s.stable && !same(s.stable, input.release))
                    s.warm.push(s.stable);
                s.stable = input.release;
            });
            record({ name: 'promoteCandidate', service: input.service, version: input.release.version, role: input.role });
            return { role: 'stable', release: input.release, url: urlFor(input.release) };
        },
        async removeCandidate(input) {
            update(input, (s) => {
                if (input.role === 'canary' && s.canary && same(s.canary.release, input.release))
                    s.canary = null;
                if (input.role === 'preview' && same(s.preview, input.release))
                    s.preview = null;
            });
            record({ name: 'removeCandidate', service: input.service, version: input.release.version, role: input.role });
        },
        async rollbackToRelease(input) {
            update(input, (s) => {
                if (input.from) {
                    const from = input.from;
                    if (s.canary && same(s.canary.release, from))
                        s.canary = null;
                    if (same(s.preview, from))
                        s.preview = null;
                    s.warm = s.warm.filter((r) => !same(r, from));
                    if (same(s.stable, from))
                        s.stable = null;
                }
                s.warm = s.warm.filter((r) => !same(r, input.release));
                s.stable = input.release;
            });
            record({ name: 'rollbackToRelease', service: input.service, version: input.release.version, note: input.from?.version });
            return { role: 'stable', release: input.release, url: urlFor(input.release) };
        },
        async retireRelease(input) {
            update(input, (s) => {
                if (same(s.stable, input.release))
                    s.stable = null;
                if (s.canary && same(s.canary.release, input.release))
                    s.canary = null;
                if (same(s.preview, input.release))
                    s.preview = null;
                s.warm = s.warm.filter((r) => !same(r, input.release));
            });
            record({ name: 'retireRelease', service: input.service, version: input.release.version });
        },
        probeHealth: (input) => probeHealth(input),
    };
    return {
        ...deploy,
        async resolveVersion(input) {
            record({ name: 'resolveVersion', service: input.service });
            return { service: input.service, version: '3.0.0+c0ffee1', imageTag: 'v3.0.0-c0ffee1', commit: 'c0ffee1c0ffee1', shortCommit: 'c0ffee1', tag: 'v3.0.0' };
        },
        async generateChangelog() {
            return { fromRef: 'v2.0.0', fromVersion: '2.0.0', toCommit: 'c0ffee1c0ffee1', entries: [{ shortSha: 'c0ffee1', subject: 'feat: test', author: 'test' }], markdown: '## 3.0.0\n- feat: test (c0ffee1)\n' };
        },
        async buildImage(input) {
            record({ name: 'buildImage:start', service: input.imageRepo.split('/').pop() });
            try {
                await work(options.buildMs ?? 0);
            }
            catch (err) {
                record({ name: 'buildImage:cancelled', service: input.imageRepo.split('/').pop() });
                throw err;
            }
            return { image: `${input.imageRepo}:${input.version.imageTag}`, imageTag: input.version.imageTag };
        },
        async buildBinary(input) {
            return { binaryPath: (0, node_path_1.join)(dir, `${input.service}-${input.version.imageTag}`), sha256: '0'.repeat(64) };
        },
        async pushImage(input) {
            const digest = `sha256:${'ab'.repeat(32)}`;
            record({ name: 'pushImage', service: input.imageRepo.split('/').pop() });
            return { digest, imageRef: `${input.imageRepo}@${digest}` };
        },
        async listReleases(input) {
            const path = (0, node_path_1.join)(dir, `${input.service}.retained.json`);
            return (0, node_fs_1.existsSync)(path) ? JSON.parse((0, node_fs_1.readFileSync)(path, 'utf8')) : [];
        },
        async pruneReleases(input) {
            record({ name: 'pruneReleases', service: input.service, note: input.protect.join(',') });
            return { kept: input.protect, deleted: [] };
        },
    };
}
/** A real probe: GET each path with a timeout; connection errors are failures, not exceptions. */
async function probeHealth(input) {
    const checks = await Promise.all(input.paths.map(async (path) => {
        const started = Date.now();
        try {
            const res = await fetch(`${input.url}${path}`, { signal: AbortSignal.timeout(input.timeoutMs) });
            await res.arrayBuffer();
            return { path, status: res.status, ok: res.status >= 200 && res.status < 300, ms: Date.now() - started };
        }
        catch (err) {
            return { path, status: null, ok: false, error: err.message, ms: Date.now() - started };
        }
    }));
    return { ok: checks.every((c) => c.ok), checks };
}
//# sourceMappingURL=file-target.js.map