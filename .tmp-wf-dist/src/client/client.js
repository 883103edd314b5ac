"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SluiceClient = void 0;
exports.specDigest = specDigest;
exports.defaultActor = defaultActor;
const node_crypto_1 = require("node:crypto");
const client_1 = require("@temporalio/client");
const common_1 = require("@temporalio/common");
const errors_1 = require("./errors");
const history_1 = require("./history");
const links_1 = require("./links");
const result_1 = require("../domain/result");
const reasons_1 = require("../domain/reasons");
const protocol_1 = require("./protocol");
const releases_1 = require("./releases");
const connect_1 = require("./connect");
const settings_1 = require("./settings");
const watch_1 = require("./watch");
/** A digest of the spec for the memo: lets a person tell whether two releases ran the same spec. */
function specDigest(spec) {
    return `sha256:${(0, node_crypto_1.createHash)('sha256').update(JSON.stringify(spec)).digest('hex')}`;
}
/**
 * The typed face of Sluice for CI and humans. Every method takes a service and an environment,
 * which name the deployment workflow `deploy/<service>/<environment>`.
 */
class SluiceClient {
    settings;
    temporal;
    connection;
    taskQueue;
    constructor(settings, temporal, connection, options) {
        this.settings = settings;
        this.temporal = temporal;
        this.connection = connection;
        this.taskQueue = options.taskQueue ?? process.env.SLUICE_TASK_QUEUE ?? protocol_1.DEFAULT_TASK_QUEUE;
    }
    static async connect(settings = {}, options = {}) {
        const resolved = 'tls' in settings && typeof settings.uiUrl === 'string' && typeof settings.address === 'string' && typeof settings.namespace === 'string'
            ? settings
            : (0, settings_1.resolveConnectionSettings)(settings);
        const { client, connection } = await (0, connect_1.connectTemporal)(resolved);
        return new SluiceClient(resolved, client, connection, options);
    }
    async close() {
        await this.connection.close();
    }
    get namespace() {
        return this.settings.namespace;
    }
    workflowId(ref) {
        return (0, protocol_1.deploymentWorkflowId)(ref.service, ref.environment);
    }
    link(workflowId, runId) {
        return (0, links_1.workflowUiLink)(this.settings.uiUrl, this.settings.namespace, workflowId, runId);
    }
    handle(ref, runId) {
        return this.temporal.workflow.getHandle(this.workflowId(ref), runId);
    }
    /** Starts a release. Refused (DeploymentAlreadyRunning) while one runs for the same service and environment. */
    async deploy(spec, options = {}) {
        const workflowId = (0, protocol_1.deploymentWorkflowId)(spec.service, spec.environment);
        try {
            const handle = await this.temporal.workflow.start(protocol_1.DEPLOY_WORKFLOW, {
                workflowId,
                taskQueue: this.taskQueue,
                args: [spec],
                workflowIdConflictPolicy: 'FAIL',
                workflowIdReusePolicy: 'ALLOW_DUPLICATE',
                typedSearchAttributes: new common_1.TypedSearchAttributes([
                    { key: protocol_1.SearchAttr.service, value: spec.service },
                    { key: protocol_1.SearchAttr.environment, value: spec.environment },
                    { key: protocol_1.SearchAttr.phase, value: 'pending' },
                ]),
                memo: { specDigest: specDigest(spec), ...options.memo },
            });
            return { workflowId, runId: handle.firstExecutionRunId, link: this.link(workflowId, handle.firstExecutionRunId) };
        }
        catch (err) {
            if (err instanceof client_1.WorkflowExecutionAlreadyStartedError) {
                throw new errors_1.SluiceClientError(errors_1.ClientErrorType.DeploymentAlreadyRunning, `a release of ${spec.service} to ${spec.environment} is already running: workflow ${workflowId} (${this.link(workflowId)}); abort it or wait for it to finish`, { cause: err });
            }
            throw err;
        }
    }
    /** Execution state plus the live status (query) or, once closed, the result. */
    async snapshot(ref, runId) {
        const handle = this.handle(ref, runId);
        const workflowId = this.workflowId(ref);
        let description;
        try {
            description = await handle.describe();
        }
        catch (err) {
            throw this.notFound(ref, err);
        }
        const snap = {
            workflowId,
            runId: description.runId,
            link: this.link(workflowId, description.runId),
            execution: description.status.name,
        };
        const pinned = this.temporal.workflow.getHandle(workflowId, description.runId);
        if (description.status.name === 'RUNNING') {
            snap.status = await pinned.query(protocol_1.statusQuery);
        }
        else {
            snap.result = await this.resultOf(pinned);
            // A closed workflow still answers queries while a worker can replay it; without one, the result suffices.
            snap.status = await pinned.query(protocol_1.statusQuery).catch(() => undefined);
        }
        return snap;
    }
    async status(ref) {
        return this.snapshot(ref);
    }
    /** Waits for the release to finish and returns its result (a failed workflow is outcome `failed`). */
    async result(ref, runId) {
        return this.resultOf(this.handle(ref, runId));
    }
    async resultOf(handle) {
        try {
            return (await handle.result());
        }
        catch (err) {
            const carried = (0, result_1.deploymentResultFromError)(err);
            if (carried)
                return carried;
            if (err instanceof client_1.WorkflowFailedError) {
                // Terminated, timed out, or failed before it could say why: still one outcome for CI.
                const cause = err.cause;
                const aborted = cause?.name === 'TerminatedFailure' || cause?.name === 'CancelledFailure';
                const now = new Date().toISOString();
                return {
                    outcome: aborted ? 'aborted' : 'failed',
                    reason: aborted ? reasons_1.Reason.WorkflowCancelled : reasons_1.Reason.ActivityFailed,
                    message: cause?.message ?? err.message,
                    service: '',
                    environment: '',
                    release: null,
                    previous: null,
                    phaseDurations: {},
                    timeToRollbackMs: null,
                    compensations: [],
                    startedAt: now,
                    finishedAt: now,
                };
            }
            if (err instanceof client_1.WorkflowNotFoundError)
                throw this.notFound({ service: '', environment: '' }, err, handle.workflowId);
            throw err;
        }
    }
    /** Status changes until the release ends; the last event carries the result. */
    watch(ref, options = {}) {
        return (0, watch_1.watchDeployment)(this, ref, options);
    }
    async abort(ref, reason = 'aborted by a person', by = defaultActor()) {
        await this.withHandle(ref, (h) => h.signal(protocol_1.abortSignal, reason, by));
    }
    async pause(ref, by = defaultActor()) {
        await this.withHandle(ref, (h) => h.signal(protocol_1.pauseSignal, by));
    }
    async resume(ref, by = defaultActor()) {
        await this.withHandle(ref, (h) => h.signal(protocol_1.resumeSignal, by));
    }
    /** Approves the gate the release waits at; the update's validator refuses when nothing awaits approval. */
    async approve(ref, by = defaultActor()) {
        try {
            return await this.handle(ref).executeUpdate(protocol_1.approveUpdate, { args: [by] });
        }
        catch (err) {
            if (err instanceof client_1.WorkflowUpdateFailedError) {
                const cause = err.cause;
                throw new errors_1.SluiceClientError(errors_1.ClientErrorType.Rejected, `approve refused by ${this.workflowId(ref)}: ${cause?.message ?? err.message}`, { cause: err });
            }
            throw await this.explainClosed(ref, err);
        }
    }
    async withHandle(ref, fn) {
        try {
            await fn(this.handle(ref));
        }
        catch (err) {
            throw await this.explainClosed(ref, err);
        }
    }
    /** A signal to a finished release fails as "not found"; say that it finished instead. */
    async explainClosed(ref, err) {
        if (!(err instanceof client_1.WorkflowNotFoundError))
            return err;
        const id = this.workflowId(ref);
        const description = await this.handle(ref).describe().catch(() => undefined);
        if (description && description.status.name !== 'RUNNING') {
            return new errors_1.SluiceClientError(errors_1.ClientErrorType.Rejected, `the latest release ${id} already ended (${description.status.name.toLowerCase()} at ${description.closeTime?.toISOString() ?? '?'}); nothing to signal (${this.link(id, description.runId)})`, { cause: err });
        }
        return this.notFound(ref, err);
    }
    /**
     * Starts rollbackWorkflow: back to the release before the live one, or to `toVersion` (a
     * retained version, image tag or digest ref). Where the service runs (target, router, image
     * repository) comes from `spec` when given, else from the input of the latest release.
     */
    async rollback(ref, options = {}) {
        const where = options.spec ?? (await this.lastSpec(ref));
        const request = {
            service: ref.service,
            environment: ref.environment,
            toVersion: options.toVersion,
            target: where.target,
            router: where.router ?? { kind: 'none', settings: {} },
            imageRepo: where.source?.imageRepo,
        };
        const workflowId = (0, protocol_1.rollbackWorkflowId)(ref.service, ref.environment);
        let handle;
        try {
            handle = await this.temporal.workflow.start(protocol_1.ROLLBACK_WORKFLOW, {
                workflowId,
                taskQueue: this.taskQueue,
                args: [request],
                workflowIdConflictPolicy: 'FAIL',
                workflowIdReusePolicy: 'ALLOW_DUPLICATE',
                typedSearchAttributes: new common_1.TypedSearchAttributes([
                    { key: protocol_1.SearchAttr.service, value: ref.service },
                    { key: protocol_1.SearchAttr.environment, value: ref.environment },
                    { key: protocol_1.SearchAttr.phase, value: 'rolling-back' },
                    ...(options.toVersion ? [{ key: protocol_1.SearchAttr.version, value: options.toVersion }] : []),
                ]),
                memo: { requestedBy: options.by ?? defaultActor() },
            });
        }
        catch (err) {
            if (err instanceof client_1.WorkflowExecutionAlreadyStartedError) {
                throw new errors_1.SluiceClientError(errors_1.ClientErrorType.DeploymentAlreadyRunning, `a rollback of ${ref.service} in ${ref.environment} is already running: ${workflowId} (${this.link(workflowId)})`, { cause: err });
            }
            throw err;
        }
        const info = { workflowId, runId: handle.firstExecutionRunId, link: this.link(workflowId, handle.firstExecutionRunId) };
        if (!options.wait)
            return info;
        try {
            return { ...info, result: (await handle.result()) };
        }
        catch (err) {
            const carried = (0, result_1.rollbackResultFromError)(err);
            if (carried)
                return { ...info, result: carried };
            throw err;
        }
    }
    /** The spec the latest release of this service and environment started with (its workflow input). */
    async lastSpec(ref) {
        const workflowId = this.workflowId(ref);
        let history;
        try {
            history = await this.temporal.workflow.getHandle(workflowId).fetchHistory();
        }
        catch (err) {
            throw this.notFound(ref, err);
        }
        const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
        const spec = payload ? common_1.defaultPayloadConverter.fromPayload(payload) : undefined;
        if (!spec?.target) {
            throw new errors_1.SluiceClientError(errors_1.ClientErrorType.InvalidSpec, `cannot tell where ${ref.service} runs in ${ref.environment} from ${workflowId}; pass the spec (-f sluice.yaml)`);
        }
        return spec;
    }
    /** Past and running releases of a service in an environment, newest first (Temporal visibility). */
    async history(ref, options = {}) {
        return (0, history_1.listHistory)(this, ref, options);
    }
    /** Retained versions (registry tags and artifact-store binaries), newest first. */
    async releases(service, options = {}) {
        return (0, releases_1.listRetainedReleases)(service, options);
    }
    notFound(ref, err, workflowId) {
        if (err instanceof client_1.WorkflowNotFoundError || err?.name === 'WorkflowNotFoundError') {
            const id = workflowId ?? this.workflowId(ref);
            return new errors_1.SluiceClientError(errors_1.ClientErrorType.DeploymentNotFound, `no deployment ${id} in namespace ${this.namespace}${ref.service ? ` (has ${ref.service} ever been deployed to ${ref.environment}? try \`sluice history ${ref.service} ${ref.environment}\`)` : ''}`, { cause: err });
        }
        return err;
    }
}
exports.SluiceClient = SluiceClient;
/** Who sent a signal, for the audit trail in the workflow's event log. */
function defaultActor(env = process.env) {
    return env.SLUICE_ACTOR ?? env.GITHUB_ACTOR ?? env.GITLAB_USER_LOGIN ?? env.USER ?? 'sluice-cli';
}
//# sourceMappingURL=client.js.map