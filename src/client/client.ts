import type { FleetHost } from '../domain/fleet';
import { repositoryOf } from '../domain/image-refs';
import type { HostInventory } from '../domain/ports';
import { createHash } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type Connection,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { decodeStartInput } from './start-input';
import type { DeploymentReader, DeploymentRef, DeploymentSnapshot } from './deployment';
import { SluiceClientError } from './errors';
import { listHistory, type HistoryEntry, type HistoryOptions } from './history';
import { workflowUiLink } from './links';
import { deploymentResultFromError, rollbackResultFromError } from '../domain/result';
import { Reason } from '../domain/reasons';
import type { RetainedRelease } from '../domain/release';
import type { HostSwitch, RouterSpec, TargetSpec } from '../domain/spec';
import {
  abortSignal,
  approveUpdate,
  DEFAULT_TASK_QUEUE,
  DEPLOY_WORKFLOW,
  deploymentWorkflowId,
  FLEET_INVENTORY_WORKFLOW,
  pauseSignal,
  resumeSignal,
  ROLLBACK_WORKFLOW,
  rollbackWorkflowId,
  SearchAttr,
  statusQuery,
  type ApprovalAck,
  type DeploymentResult,
  type RollbackRequest,
  type RollbackResult,
} from './protocol';
import { listRetainedReleases, type ReleasesOptions, type ReleaseStoreSettings } from './releases';
import { connectTemporal } from './connect';
import { resolveConnectionSettings, type ConnectionDefaults, type ConnectionFlags, type ConnectionSettings } from './settings';
import { watchDeployment, type WatchEvent, type WatchOptions } from './watch';
import { abortRunningDrill, startDrill, type DrillStarted } from './drill';
import type { DrillKind } from '../domain/drill';
import type { ReleaseSpec } from '../domain/spec';
import { BAKE_GATE } from '../domain/approval';
import type { ApprovalToken } from '../domain/approval-token';
import { ErrorType } from '../domain/errors';
import { COMMIT_TIME_MEMO } from '../lib/delivery-history';
import { releaseDetails, releaseSummary, rollbackSummary } from '../domain/ui-summary';
import { commitTimeOf } from './commit-time';
import { signApproval, type ApproverKey } from './approver-key';

export interface DeploymentHandleInfo {
  workflowId: string;
  runId: string;
  link: string;
}

/** The part of a release spec the client reads; the full schema is src/domain/spec.ts (ReleaseSpec). */
export interface SpecLike {
  service: string;
  environment: string;
  target: TargetSpec;
  router?: RouterSpec;
  source?: { kind: string; imageRepo?: string; imageRef?: string; repoDir?: string; commit?: string; version?: string; binaryPath?: string };
  hosts?: FleetHost[];
  strategy?: { kind: string; agentTimeout?: string; hostSwitch?: HostSwitch; steps?: readonly unknown[] };
}

export interface RollbackOptions {
  /** A retained version, image tag or digest ref; default: the release before the live one. */
  toVersion?: string;
  /** A config version (`cfg-…`) to restore, with the live build or `toVersion`'s (issue 16). */
  toConfig?: string;
  /** Where the service runs; default: read from the latest release's input. */
  spec?: SpecLike;
  /** Wait for the rollback to finish and return its result. */
  wait?: boolean;
  by?: string;
}

export interface SluiceClientOptions {
  /** Task queue of the Sluice worker (default `sluice`, or SLUICE_TASK_QUEUE). */
  taskQueue?: string;
  /** Where Temporal is when `connect` gets flags that leave the address unsaid (default TEMPORAL_DEFAULTS). */
  connectionDefaults?: ConnectionDefaults;
  /** Where retained releases live; `releases()` needs it. */
  releaseStore?: ReleaseStoreSettings;
}

/** A digest of the spec for the memo: lets a person tell whether two releases ran the same spec. */
export function specDigest(spec: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(spec)).digest('hex')}`;
}

/**
 * The typed face of Sluice for CI and humans. Every method takes a service and an environment,
 * which name the deployment workflow `deploy/<service>/<environment>`.
 */
export class SluiceClient implements DeploymentReader {
  readonly taskQueue: string;
  private readonly releaseStore: ReleaseStoreSettings | undefined;

  private constructor(
    readonly settings: ConnectionSettings,
    readonly temporal: Client,
    private readonly connection: Connection,
    options: SluiceClientOptions,
  ) {
    this.taskQueue = options.taskQueue ?? process.env.SLUICE_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
    this.releaseStore = options.releaseStore;
  }

  static async connect(settings: ConnectionSettings | ConnectionFlags = {}, options: SluiceClientOptions = {}): Promise<SluiceClient> {
    const resolved =
      'tls' in settings && typeof settings.uiUrl === 'string' && typeof settings.address === 'string' && typeof settings.namespace === 'string'
        ? (settings as ConnectionSettings)
        : resolveConnectionSettings(settings as ConnectionFlags, process.env, options.connectionDefaults);
    const { client, connection } = await connectTemporal(resolved);
    return new SluiceClient(resolved, client, connection, options);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  get namespace(): string {
    return this.settings.namespace;
  }

  workflowId(ref: DeploymentRef): string {
    return deploymentWorkflowId(ref.service, ref.environment);
  }

  link(workflowId: string, runId?: string): string {
    return workflowUiLink(this.settings.uiUrl, this.settings.namespace, workflowId, runId);
  }

  private handle(ref: DeploymentRef, runId?: string): WorkflowHandle {
    return this.temporal.workflow.getHandle(this.workflowId(ref), runId);
  }

  /**
   * Starts a release. Refused (DeploymentAlreadyRunning) while one runs for the same service and
   * environment. A drill running there is aborted first (it restores the live version) and the
   * release starts once the drill has closed (docs/drills.md); `abortedDrill` names it. The memo
   * carries the commit time for the delivery record (`commitTime`, from git unless given), so
   * change lead time needs nothing but Temporal.
   */
  async deploy(spec: SpecLike, options: { memo?: Record<string, unknown>; by?: string; commitTime?: string } = {}): Promise<DeploymentHandleInfo & { abortedDrill?: string }> {
    const workflowId = deploymentWorkflowId(spec.service, spec.environment);
    const commitTime = options.commitTime ?? (await commitTimeOf(spec.source));
    const abortedDrill = await abortRunningDrill(this.temporal, spec.service, spec.environment, options.by ?? defaultActor());
    try {
      const handle = await this.temporal.workflow.start(DEPLOY_WORKFLOW, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [spec],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: SearchAttr.service, value: spec.service },
          { key: SearchAttr.environment, value: spec.environment },
          { key: SearchAttr.phase, value: 'pending' },
        ]),
        memo: { specDigest: specDigest(spec), ...(commitTime ? { [COMMIT_TIME_MEMO]: commitTime } : {}), ...options.memo },
        // What the Web UI's list and workflow page show beside "Completed" (src/domain/ui-summary.ts).
        staticSummary: releaseSummary(spec),
        staticDetails: releaseDetails(spec, options.by ?? defaultActor()),
      });
      return { workflowId, runId: handle.firstExecutionRunId, link: this.link(workflowId, handle.firstExecutionRunId), ...(abortedDrill ? { abortedDrill } : {}) };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new SluiceClientError(
          ErrorType.DeploymentInProgress,
          `a release of ${spec.service} to ${spec.environment} is already running: workflow ${workflowId} (${this.link(workflowId)}); abort it or wait for it to finish`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  /** Execution state plus the live status (query) or, once closed, the result. */
  async snapshot(ref: DeploymentRef, runId?: string): Promise<DeploymentSnapshot> {
    const handle = this.handle(ref, runId);
    const workflowId = this.workflowId(ref);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      throw this.notFound(ref, err);
    }
    const snap: DeploymentSnapshot = {
      workflowId,
      runId: description.runId,
      link: this.link(workflowId, description.runId),
      execution: description.status.name,
    };
    const pinned = this.temporal.workflow.getHandle(workflowId, description.runId);
    if (description.status.name === 'RUNNING') {
      snap.status = await pinned.query(statusQuery);
    } else {
      snap.result = await this.resultOf(pinned);
      // A closed workflow still answers queries while a worker can replay it; without one, the result suffices.
      snap.status = await pinned.query(statusQuery).catch(() => undefined);
    }
    return snap;
  }

  /**
   * The rollback of this service and environment that completed after the deploy workflow last
   * closed, with its result: a `sluice rollback` after the latest release moves what is live, which
   * the deploy workflow's own result does not say. Undefined when there is none (or the deploy
   * runs: rollbacks are refused meanwhile, and the deploy reads the live release from the target).
   */
  async rollbackSinceLastDeploy(ref: DeploymentRef): Promise<RollbackResult | undefined> {
    const deploy = await this.handle(ref)
      .describe()
      .catch(() => undefined);
    if (deploy?.status.name === 'RUNNING') return undefined;
    const rollback = this.temporal.workflow.getHandle(rollbackWorkflowId(ref.service, ref.environment));
    const described = await rollback.describe().catch(() => undefined);
    if (described?.status.name !== 'COMPLETED') return undefined;
    if (deploy?.closeTime && described.startTime < deploy.closeTime) return undefined;
    return (await rollback.result()) as RollbackResult;
  }

  async status(ref: DeploymentRef): Promise<DeploymentSnapshot> {
    return this.snapshot(ref);
  }

  /** Waits for the release to finish and returns its result (a failed workflow is outcome `failed`). */
  async result(ref: DeploymentRef, runId?: string): Promise<DeploymentResult> {
    return this.resultOf(this.handle(ref, runId));
  }

  private async resultOf(handle: WorkflowHandle): Promise<DeploymentResult> {
    try {
      return (await handle.result()) as DeploymentResult;
    } catch (err) {
      const carried = deploymentResultFromError(err);
      if (carried) return carried;
      if (err instanceof WorkflowFailedError) {
        // Terminated, timed out, or failed before it could say why: still one outcome for CI.
        const cause = err.cause as Error | undefined;
        const aborted = cause?.name === 'TerminatedFailure' || cause?.name === 'CancelledFailure';
        const now = new Date().toISOString();
        return {
          outcome: aborted ? 'aborted' : 'failed',
          reason: aborted ? Reason.WorkflowCancelled : Reason.ActivityFailed,
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
      if (err instanceof WorkflowNotFoundError) throw this.notFound({ service: '', environment: '' }, err, handle.workflowId);
      throw err;
    }
  }

  /** Status changes until the release ends; the last event carries the result. */
  watch(ref: DeploymentRef, options: WatchOptions = {}): AsyncGenerator<WatchEvent> {
    return watchDeployment(this, ref, options);
  }

  async abort(ref: DeploymentRef, reason = 'aborted by a person', by = defaultActor()): Promise<void> {
    await this.withHandle(ref, (h) => h.signal(abortSignal, reason, by));
  }

  async pause(ref: DeploymentRef, by = defaultActor()): Promise<void> {
    await this.withHandle(ref, (h) => h.signal(pauseSignal, by));
  }

  async resume(ref: DeploymentRef, by = defaultActor()): Promise<void> {
    await this.withHandle(ref, (h) => h.signal(resumeSignal, by));
  }

  /**
   * Approves the gate the release waits at; the update's validator refuses when nothing awaits
   * approval. With `key`, the approval is signed for the gate open now in the latest run and sent
   * to that run only, as the key's owner (`by` must then be the key's name or left out).
   */
  async approve(ref: DeploymentRef, by?: string, options: { key?: ApproverKey } = {}): Promise<ApprovalAck> {
    const key = options.key;
    if (key && by !== undefined && by !== key.name) {
      throw new SluiceClientError(ErrorType.ApproverKeyInvalid, `the key ${key.path} is ${key.name}'s; it cannot approve as ${by}`);
    }
    try {
      if (!key) return await this.handle(ref).executeUpdate(approveUpdate, { args: [by ?? defaultActor()] });
      const { handle, token } = await this.signedApproval(ref, key);
      return await handle.executeUpdate(approveUpdate, { args: [key.name, token] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause as Error | undefined;
        throw new SluiceClientError(ErrorType.RequestRejected, `approve refused by ${this.workflowId(ref)}: ${cause?.message ?? err.message}`, { cause: err });
      }
      throw await this.explainClosed(ref, err);
    }
  }

  /**
   * The token for what awaits approval in the latest run, and a handle pinned to that run: a
   * release started meanwhile gets nothing (its run id differs, and the token says so).
   */
  private async signedApproval(ref: DeploymentRef, key: ApproverKey): Promise<{ handle: WorkflowHandle; token: ApprovalToken }> {
    const workflowId = this.workflowId(ref);
    const { runId } = await this.handle(ref).describe();
    const handle = this.temporal.workflow.getHandle(workflowId, runId);
    const status = await handle.query(statusQuery);
    const gate = status.awaitingApproval?.gate ?? (status.bake ? BAKE_GATE : undefined);
    if (!gate) throw new SluiceClientError(ErrorType.RequestRejected, `approve refused by ${workflowId}: nothing awaits approval (phase ${status.phase})`);
    return { handle, token: signApproval(key, { workflowId, runId, gate }) };
  }

  private async withHandle(ref: DeploymentRef, fn: (h: WorkflowHandle) => Promise<void>): Promise<void> {
    try {
      await fn(this.handle(ref));
    } catch (err) {
      throw await this.explainClosed(ref, err);
    }
  }

  /** A signal to a finished release fails as "not found"; say that it finished instead. */
  private async explainClosed(ref: DeploymentRef, err: unknown): Promise<unknown> {
    if (!(err instanceof WorkflowNotFoundError)) return err;
    const id = this.workflowId(ref);
    const description = await this.handle(ref)
      .describe()
      .catch(() => undefined);
    if (description && description.status.name !== 'RUNNING') {
      return new SluiceClientError(
        ErrorType.RequestRejected,
        `the latest release ${id} already ended (${description.status.name.toLowerCase()} at ${description.closeTime?.toISOString() ?? '?'}); nothing to signal (${this.link(id, description.runId)})`,
        { cause: err },
      );
    }
    return this.notFound(ref, err);
  }

  /**
   * Starts rollbackWorkflow: back to the release before the live one, or to `toVersion` (a
   * retained version, image tag or digest ref). Where the service runs (target, router, image
   * repository) comes from `spec` when given, else from the input of the latest release.
   */
  async rollback(ref: DeploymentRef, options: RollbackOptions = {}): Promise<DeploymentHandleInfo & { result?: RollbackResult }> {
    const where = options.spec ?? (await this.lastSpec(ref));
    const request: RollbackRequest = {
      service: ref.service,
      environment: ref.environment,
      toVersion: options.toVersion,
      ...(options.toConfig ? { toConfig: options.toConfig } : {}),
      target: where.target,
      router: where.router ?? { kind: 'none', settings: {} },
      // A prebuilt release names its repository in its digest-pinned imageRef (as deploy and drills read it).
      imageRepo: where.source?.imageRepo ?? (where.source?.imageRef ? repositoryOf(where.source.imageRef) : undefined),
      ...(where.hosts
        ? {
            hosts: where.hosts,
            ...(where.strategy?.agentTimeout ? { agentTimeout: where.strategy.agentTimeout } : {}),
            ...(where.strategy?.hostSwitch ? { hostSwitch: where.strategy.hostSwitch } : {}),
          }
        : {}),
    };
    const workflowId = rollbackWorkflowId(ref.service, ref.environment);
    let handle: WorkflowHandleWithFirstExecutionRunId;
    try {
      handle = await this.temporal.workflow.start(ROLLBACK_WORKFLOW, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [request],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: SearchAttr.service, value: ref.service },
          { key: SearchAttr.environment, value: ref.environment },
          { key: SearchAttr.phase, value: 'rolling-back' },
          ...(options.toVersion ? [{ key: SearchAttr.version, value: options.toVersion }] : []),
        ]),
        memo: { requestedBy: options.by ?? defaultActor() },
        staticSummary: rollbackSummary(ref.service, ref.environment, options.toVersion),
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new SluiceClientError(
          ErrorType.DeploymentInProgress,
          `a rollback of ${ref.service} in ${ref.environment} is already running: ${workflowId} (${this.link(workflowId)})`,
          { cause: err },
        );
      }
      throw err;
    }
    const info = { workflowId, runId: handle.firstExecutionRunId, link: this.link(workflowId, handle.firstExecutionRunId) };
    if (!options.wait) return info;
    try {
      return { ...info, result: (await handle.result()) as RollbackResult };
    } catch (err) {
      const carried = rollbackResultFromError(err);
      if (carried) return { ...info, result: carried };
      throw err;
    }
  }

  /**
   * Starts a rollback drill (src/workflows/drill.ts) with the environment's validated spec;
   * refused (DrillRefused) while a release runs. With `wait`, returns its DrillResult (a failed
   * drill too); a drill refused by the workflow throws DrillRefused.
   */
  async drill(spec: ReleaseSpec, kind: DrillKind, options: { wait?: boolean; by?: string } = {}): Promise<DrillStarted & { link: string }> {
    const started = await startDrill(this.temporal, this.taskQueue, spec, kind, { by: options.by ?? defaultActor(), ...(options.wait ? { wait: true } : {}) });
    return { ...started, link: this.link(started.workflowId, started.runId) };
  }

  /**
   * What each host of a fleet runs and keeps, asked of the hosts' agents (a short read-only
   * workflow); undefined when the service does not run on a fleet.
   */
  async fleetInventory(ref: DeploymentRef, options: { spec?: SpecLike } = {}): Promise<HostInventory[] | undefined> {
    const where = options.spec ?? (await this.lastSpec(ref));
    if (!where.hosts) return undefined;
    return this.temporal.workflow.execute<(r: unknown) => Promise<HostInventory[]>>(FLEET_INVENTORY_WORKFLOW, {
      taskQueue: this.taskQueue,
      workflowId: `inventory/${ref.service}/${ref.environment}/${Date.now().toString(36)}`,
      args: [
        {
          service: ref.service,
          environment: ref.environment,
          target: where.target,
          router: where.router ?? { kind: 'none', settings: {} },
          hosts: where.hosts,
          ...(where.strategy?.agentTimeout ? { agentTimeout: where.strategy.agentTimeout } : {}),
        },
      ],
    });
  }

  /** The spec the latest release of this service and environment started with (its workflow input). */
  async lastSpec(ref: DeploymentRef): Promise<SpecLike> {
    const workflowId = this.workflowId(ref);
    let history;
    try {
      history = await this.temporal.workflow.getHandle(workflowId).fetchHistory();
    } catch (err) {
      throw this.notFound(ref, err);
    }
    const spec = await decodeStartInput<SpecLike>(this.temporal, history);
    if (!spec?.target) {
      throw new SluiceClientError(ErrorType.InvalidSpec, `cannot tell where ${ref.service} runs in ${ref.environment} from ${workflowId}; pass the spec (-f sluice.yaml)`);
    }
    return spec;
  }

  /** Past and running releases of a service in an environment, newest first (Temporal visibility). */
  async history(ref: DeploymentRef, options: HistoryOptions = {}): Promise<HistoryEntry[]> {
    return listHistory(this, ref, options);
  }

  /** Retained versions (registry tags and artifact-store binaries), newest first. */
  async releases(service: string, options: ReleasesOptions = {}): Promise<RetainedRelease[]> {
    if (!this.releaseStore) {
      throw new SluiceClientError(ErrorType.InvalidConnectionSettings, 'listing retained releases needs a release store (SluiceClientOptions.releaseStore)');
    }
    return listRetainedReleases(service, this.releaseStore, options);
  }

  private notFound(ref: DeploymentRef, err: unknown, workflowId?: string): unknown {
    if (err instanceof WorkflowNotFoundError || (err as { name?: string })?.name === 'WorkflowNotFoundError') {
      const id = workflowId ?? this.workflowId(ref);
      return new SluiceClientError(
        ErrorType.DeploymentNotFound,
        `no deployment ${id} in namespace ${this.namespace}${ref.service ? ` (has ${ref.service} ever been deployed to ${ref.environment}? try \`sluice history ${ref.service} ${ref.environment}\`)` : ''}`,
        { cause: err },
      );
    }
    return err;
  }
}

/** Who sent a signal, for the audit trail in the workflow's event log. */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  return env.SLUICE_ACTOR ?? env.GITHUB_ACTOR ?? env.GITLAB_USER_LOGIN ?? env.USER ?? 'sluice-cli';
}
