"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ProcessTarget = exports.ProcessTargetSettings = void 0;
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const promises_1 = require("node:fs/promises");
const node_path_1 = require("node:path");
const zod_1 = require("zod");
const errors_1 = require("./errors");
const docker_1 = require("./docker");
const readiness_1 = require("./readiness");
const settings_1 = require("./settings");
const supervisor_1 = require("./supervisor");
const target_1 = require("./target");
exports.ProcessTargetSettings = settings_1.PortSettings.extend({
    /** Where pid files, logs and retained binaries live (default <stack state>/processes/<service>/<env>). */
    stateDir: zod_1.z.string().optional(),
    env: zod_1.z.record(zod_1.z.string(), zod_1.z.string()).default({}),
    readyPath: zod_1.z.string().startsWith('/').default('/readyz'),
    readyTimeoutMs: zod_1.z.number().int().positive().default(30000),
    stopTimeoutMs: zod_1.z.number().int().min(0).default(15000),
});
/**
 * Versioned binaries run as detached processes under a pid-file supervisor: "stop old, start
 * new, keep old binaries for rollback". Every released binary is copied into the state dir, so
 * a rollback works after the artifact store pruned it.
 */
class ProcessTarget {
    defaultStateRoot;
    kind = 'process';
    settings;
    constructor(rawSettings, defaultStateRoot) {
        this.defaultStateRoot = defaultStateRoot;
        this.settings = (0, settings_1.parseSettings)(exports.ProcessTargetSettings, rawSettings, 'process target');
    }
    dir(scope) {
        return this.settings.stateDir ?? (0, node_path_1.join)(this.defaultStateRoot, 'processes', (0, settings_1.safeName)(scope.service), (0, settings_1.safeName)(scope.environment));
    }
    supervisor(scope) {
        return new supervisor_1.Supervisor(this.dir(scope));
    }
    async instances(scope) {
        return (await this.supervisor(scope).list()).map((s) => this.toInstance(scope, s));
    }
    toInstance(scope, s) {
        const r = s.record;
        return {
            role: (0, target_1.roleOfSlot)(r.slot),
            slot: r.slot,
            release: (0, docker_1.releaseFromLabels)(scope.service, r.version, undefined, r.binary),
            host: this.settings.host,
            port: r.port,
            id: String(r.pid),
            running: s.alive,
            generation: r.generation,
            configHash: r.configHash,
            workflowId: r.workflowId,
        };
    }
    async currentRelease(scope) {
        return (0, target_1.pickCurrent)(await this.instances(scope));
    }
    deployCandidate(scope, role, request) {
        return this.ensure(scope, role, request);
    }
    async promoteCandidate(scope, request) {
        const all = await this.instances(scope);
        const existing = all
            .filter((i) => i.role === 'stable' && i.running && i.release.version === request.release.version)
            .sort((a, b) => b.generation - a.generation)[0];
        if (existing && (await (0, readiness_1.waitForReady)(`${(0, target_1.instanceUrl)(existing)}${this.settings.readyPath}`, 0, async () => undefined)).ok)
            return existing;
        return this.ensure(scope, (0, target_1.freeStableSlot)(all, request.inPlace ?? false), request);
    }
    rollbackToRelease(scope, request) {
        return this.promoteCandidate(scope, request);
    }
    async removeInstance(scope, instance) {
        const sup = this.supervisor(scope);
        for (const s of await sup.list()) {
            if (String(s.record.pid) === instance.id && s.record.slot === instance.slot)
                await sup.stop(s.record, this.settings.stopTimeoutMs);
        }
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
    async ensure(scope, slot, request) {
        const binary = await this.retainBinary(scope, request.release.version, request.release.binaryPath);
        const port = (0, settings_1.slotPort)((0, settings_1.portLayout)(this.settings, scope.service, scope.environment), slot);
        const env = { ...this.settings.env, ...(request.env ?? {}), ADDR: `${this.settings.host}:${port}`, PORT: String(port) };
        const hash = (0, settings_1.configHash)({ binary, sha: await sha256(binary), env, port, slot });
        const sup = this.supervisor(scope);
        const inSlot = (await sup.list()).filter((s) => s.record.slot === slot);
        const same = inSlot.find((s) => s.alive && s.record.configHash === hash);
        if (same) {
            const instance = this.toInstance(scope, same);
            await this.awaitReady(scope, instance, same.record.log);
            return instance;
        }
        // A stale pid file (the process died or the pid was reused) is forgotten, a live one stopped.
        for (const old of inSlot)
            await sup.stop(old.record, this.settings.stopTimeoutMs);
        if (!(await (0, readiness_1.waitPortFree)(this.settings.host, port, 5000))) {
            throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.PortInUse, `port ${this.settings.host}:${port} of the ${slot} slot of ${scope.service}/${scope.environment} is used by something Sluice did not start`);
        }
        const record = await sup.start({
            binary,
            slot,
            version: request.release.version,
            port,
            generation: Date.now(),
            configHash: hash,
            workflowId: scope.workflowId,
            env,
        });
        const instance = this.toInstance(scope, { record, alive: true });
        await this.awaitReady(scope, instance, record.log);
        return instance;
    }
    async awaitReady(scope, instance, log) {
        const sup = this.supervisor(scope);
        const result = await (0, readiness_1.waitForReady)(`${(0, target_1.instanceUrl)(instance)}${this.settings.readyPath}`, this.settings.readyTimeoutMs, async () => {
            const alive = (await sup.list()).some((s) => String(s.record.pid) === instance.id && s.alive);
            return alive ? undefined : `process ${instance.id} exited (log: ${log})`;
        });
        if (!result.ok) {
            throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.NotReady, `${scope.service} ${instance.release.version} (${instance.slot}) is not ready: ${result.reason}`);
        }
    }
    /**
     * Copies the release's binary into <stateDir>/releases/<version>/ (once), so every released
     * version stays runnable for rollback. Without a binaryPath the retained copy is used.
     */
    async retainBinary(scope, version, binaryPath) {
        const dir = (0, node_path_1.join)(this.dir(scope), 'releases', version.replace(/[^a-zA-Z0-9_.-]/g, '_'));
        if (binaryPath) {
            const dest = (0, node_path_1.join)(dir, (0, node_path_1.basename)(binaryPath));
            const [src, have] = await Promise.all([(0, promises_1.stat)(binaryPath).catch(() => undefined), (0, promises_1.stat)(dest).catch(() => undefined)]);
            if (!src && !have)
                throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.MissingArtifact, `binary ${binaryPath} of ${scope.service} ${version} does not exist`);
            if (src && (!have || have.size !== src.size || (await sha256(dest)) !== (await sha256(binaryPath)))) {
                await (0, promises_1.mkdir)(dir, { recursive: true });
                // Copy then rename: the destination may be running (text file busy on overwrite).
                const tmp = `${dest}.${process.pid}.tmp`;
                await (0, promises_1.copyFile)(binaryPath, tmp);
                await (0, promises_1.chmod)(tmp, 0o755);
                await (0, promises_1.rename)(tmp, dest);
            }
            return dest;
        }
        const names = await (0, promises_1.readdir)(dir).catch(() => []);
        const name = names.find((n) => !n.endsWith('.tmp'));
        if (!name)
            throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.MissingArtifact, `release ${version} of ${scope.service} has no binaryPath and no retained binary in ${dir}`);
        return (0, node_path_1.join)(dir, name);
    }
}
exports.ProcessTarget = ProcessTarget;
async function sha256(path) {
    const hash = (0, node_crypto_1.createHash)('sha256');
    for await (const chunk of (0, node_fs_1.createReadStream)(path))
        hash.update(chunk);
    return hash.digest('hex');
}
//# sourceMappingURL=process.js.map