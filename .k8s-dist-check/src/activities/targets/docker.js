"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DockerTarget = exports.LABEL = exports.DockerTargetSettings = void 0;
exports.releaseFromLabels = releaseFromLabels;
const zod_1 = require("zod");
const release_1 = require("../../domain/release");
const activity_context_1 = require("./activity-context");
const errors_1 = require("./errors");
const readiness_1 = require("./readiness");
const settings_1 = require("./settings");
const target_1 = require("./target");
exports.DockerTargetSettings = settings_1.PortSettings.extend({
    /** Docker engine socket; the embedded stack's by default (set by the factory). */
    socket: zod_1.z.string().optional(),
    env: zod_1.z.record(zod_1.z.string(), zod_1.z.string()).default({}),
    readyPath: zod_1.z.string().startsWith('/').default('/readyz'),
    readyTimeoutMs: zod_1.z.number().int().positive().default(30000),
    /** SIGTERM, then SIGKILL after this many seconds (the example service drains for 2s + grace). */
    stopTimeoutSec: zod_1.z.number().int().min(0).default(15),
});
exports.LABEL = {
    service: 'sluice.service',
    environment: 'sluice.environment',
    role: 'sluice.role',
    release: 'sluice.release',
    workflowId: 'sluice.workflow-id',
    slot: 'sluice.slot',
    port: 'sluice.port',
    image: 'sluice.image',
    generation: 'sluice.generation',
    config: 'sluice.config-hash',
};
const SLOT_NAMES = new Set(['stable-a', 'stable-b', 'canary', 'baseline', 'preview']);
/**
 * Releases as containers on the host network, one loopback port per slot, images pinned by
 * digest. Everything the target knows it reads back from container labels.
 */
class DockerTarget {
    docker;
    kind = 'docker';
    settings;
    constructor(docker, rawSettings) {
        this.docker = docker;
        this.settings = (0, settings_1.parseSettings)(exports.DockerTargetSettings, rawSettings, 'docker target');
    }
    layout(scope) {
        return (0, settings_1.portLayout)(this.settings, scope.service, scope.environment);
    }
    async instances(scope) {
        const list = await this.docker.listContainers({
            all: true,
            filters: { label: [`${exports.LABEL.service}=${scope.service}`, `${exports.LABEL.environment}=${scope.environment}`] },
        });
        const out = [];
        for (const c of list) {
            const l = c.Labels ?? {};
            const slot = l[exports.LABEL.slot];
            if (!slot || !SLOT_NAMES.has(slot))
                continue;
            const version = l[exports.LABEL.release] ?? '';
            out.push({
                role: (0, target_1.roleOfSlot)(slot),
                slot: slot,
                release: releaseFromLabels(scope.service, version, l[exports.LABEL.image] ?? c.Image),
                host: this.settings.host,
                port: Number(l[exports.LABEL.port]),
                id: c.Id,
                running: c.State === 'running',
                generation: Number(l[exports.LABEL.generation] ?? 0),
                configHash: l[exports.LABEL.config] ?? '',
                workflowId: l[exports.LABEL.workflowId] ?? '',
            });
        }
        return out;
    }
    async currentRelease(scope) {
        return (0, target_1.pickCurrent)(await this.instances(scope));
    }
    deployCandidate(scope, role, request) {
        return this.ensure(scope, role, request);
    }
    async promoteCandidate(scope, request) {
        const all = await this.instances(scope);
        // A stable of this release that already runs (a warm previous release, or this call's
        // earlier attempt) is reused as it is: rollback to it is then only a router flip.
        const existing = all
            .filter((i) => i.role === 'stable' && i.running && i.release.version === request.release.version)
            .sort((a, b) => b.generation - a.generation)[0];
        if (existing && (await this.ready(existing)))
            return existing;
        return this.ensure(scope, (0, target_1.freeStableSlot)(all, request.inPlace ?? false), request);
    }
    rollbackToRelease(scope, request) {
        return this.promoteCandidate(scope, request);
    }
    async removeCandidate(scope, role) {
        const victims = (await this.instances(scope)).filter((i) => i.slot === role);
        for (const v of victims)
            await this.removeInstance(scope, v);
        return victims;
    }
    async retireRelease(scope, version) {
        const victims = (await this.instances(scope)).filter((i) => i.release.version === version);
        for (const v of victims)
            await this.removeInstance(scope, v);
        return victims;
    }
    async endpoints(scope) {
        return (0, target_1.endpointsOf)(await this.instances(scope));
    }
    async removeInstance(_scope, instance) {
        const c = this.docker.getContainer(instance.id);
        try {
            await c.stop({ t: this.settings.stopTimeoutSec });
        }
        catch (err) {
            if (!isStatus(err, 304) && !isStatus(err, 404))
                throw err;
        }
        try {
            await c.remove({ force: true });
        }
        catch (err) {
            // 409: removal already in progress (a concurrent retry of this activity).
            if (!isStatus(err, 404) && !isStatus(err, 409))
                throw err;
        }
    }
    /** Check before create: the container of this slot with the same config is reused when ready. */
    async ensure(scope, slot, request) {
        const imageRef = request.release.imageRef;
        if (!imageRef) {
            throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.MissingArtifact, `release ${request.release.version} of ${scope.service} has no imageRef; the docker target runs images pinned by digest`);
        }
        const port = (0, settings_1.slotPort)(this.layout(scope), slot);
        const env = { ...this.settings.env, ...(request.env ?? {}), ADDR: `${this.settings.host}:${port}`, PORT: String(port) };
        const hash = (0, settings_1.configHash)({ imageRef, env, port, slot });
        const inSlot = (await this.instances(scope)).filter((i) => i.slot === slot);
        const same = inSlot.find((i) => i.configHash === hash && i.running);
        if (same) {
            await this.awaitReady(scope, same);
            return same;
        }
        for (const old of inSlot)
            await this.removeInstance(scope, old);
        if (!(await (0, readiness_1.waitPortFree)(this.settings.host, port, 5000))) {
            throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.PortInUse, `port ${this.settings.host}:${port} of the ${slot} slot of ${scope.service}/${scope.environment} is used by something Sluice did not start`);
        }
        await this.ensureImage(imageRef);
        const generation = Date.now();
        const labels = {
            [exports.LABEL.service]: scope.service,
            [exports.LABEL.environment]: scope.environment,
            [exports.LABEL.role]: (0, target_1.roleOfSlot)(slot),
            [exports.LABEL.release]: request.release.version,
            [exports.LABEL.workflowId]: scope.workflowId,
            [exports.LABEL.slot]: slot,
            [exports.LABEL.port]: String(port),
            [exports.LABEL.image]: imageRef,
            [exports.LABEL.generation]: String(generation),
            [exports.LABEL.config]: hash,
        };
        const container = await this.docker.createContainer({
            name: (0, settings_1.safeName)('sluice', scope.service, scope.environment, slot),
            Image: imageRef,
            Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
            Labels: labels,
            StopSignal: 'SIGTERM',
            StopTimeout: this.settings.stopTimeoutSec,
            HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 } },
        });
        await container.start();
        const instance = {
            role: (0, target_1.roleOfSlot)(slot),
            slot,
            release: releaseFromLabels(scope.service, request.release.version, imageRef),
            host: this.settings.host,
            port,
            id: container.id,
            running: true,
            generation,
            configHash: hash,
            workflowId: scope.workflowId,
        };
        await this.awaitReady(scope, instance);
        return instance;
    }
    async ready(instance) {
        const r = await (0, readiness_1.waitForReady)(`${(0, target_1.instanceUrl)(instance)}${this.settings.readyPath}`, 0, async () => undefined);
        return r.ok;
    }
    async awaitReady(scope, instance) {
        const url = `${(0, target_1.instanceUrl)(instance)}${this.settings.readyPath}`;
        const result = await (0, readiness_1.waitForReady)(url, this.settings.readyTimeoutMs, async () => {
            try {
                const info = await this.docker.getContainer(instance.id).inspect();
                if (info.State.Running)
                    return undefined;
                return `container exited with code ${info.State.ExitCode}: ${await this.logTail(instance.id)}`;
            }
            catch (err) {
                return isStatus(err, 404) ? 'container disappeared' : undefined;
            }
        });
        if (!result.ok) {
            throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.NotReady, `${scope.service} ${instance.release.version} (${instance.slot}) is not ready: ${result.reason}`);
        }
    }
    async logTail(id) {
        try {
            const buf = (await this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail: 10 }));
            // Multiplexed stream frames carry an 8-byte header; strip non-printables for the message.
            return buf.toString('utf8').replace(/[^\x20-\x7e\n]/g, '').trim().slice(-800);
        }
        catch {
            return '(no logs)';
        }
    }
    /** Pulls the digest-pinned image unless the engine already has it. */
    async ensureImage(ref) {
        try {
            await this.docker.getImage(ref).inspect();
            return;
        }
        catch (err) {
            if (!isStatus(err, 404))
                throw err;
        }
        const stream = await this.docker.pull(ref);
        await new Promise((resolve, reject) => {
            this.docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve()), () => (0, activity_context_1.heartbeatIfActivity)({ pulling: ref }));
        });
    }
}
exports.DockerTarget = DockerTarget;
function releaseFromLabels(service, version, imageRef, binaryPath) {
    return {
        service,
        version,
        imageTag: (0, release_1.imageTagForVersion)(version),
        commit: (0, release_1.commitFromVersion)(version),
        ...(imageRef ? { imageRef } : {}),
        ...(binaryPath ? { binaryPath } : {}),
    };
}
function isStatus(err, code) {
    return err?.statusCode === code;
}
//# sourceMappingURL=docker.js.map