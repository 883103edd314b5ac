/**
 * The activities the workflows call, as the workflows need them (ports). The factories in
 * src/activities/* implement them; src/worker/activities.ts checks at compile time that they do.
 * Workflows proxy these interfaces, so they never import activity code.
 *
 * Every deploy activity is idempotent: called twice with the same arguments it leaves the same
 * state, and "remove" of something absent succeeds. That is what makes the saga safe to replay.
 */
import type { ConfigSpec, ResolvedConfig } from './config';
import type { Release, ResolvedVersion } from './release';
import type { RouterSpec, TargetSpec } from './spec';

// ---------------------------------------------------------------------------------------------
// Build and registry (src/activities/build, src/activities/registry).
export interface ChangelogPort {
  fromRef: string | null;
  fromVersion: string | null;
  toCommit: string;
  entries: { shortSha: string; subject: string; author: string }[];
  markdown: string;
}
export interface VersionRefPort {
  version: string;
  imageTag: string;
  commit: string;
}
export interface RetainedReleasePort {
  imageTag: string;
  version: string;
  digest: string | null;
  imageRef: string | null;
  binaryPath: string | null;
  commit: string | null;
}

export interface BuildPort {
  resolveVersion(input: { repoDir: string; service: string; tagPrefix?: string }): Promise<ResolvedVersion>;
  generateChangelog(input: { repoDir: string; fromRef?: string; toRef?: string; tagPrefix?: string }): Promise<ChangelogPort>;
  buildImage(input: {
    contextDir: string;
    dockerfile?: string;
    imageRepo: string;
    version: VersionRefPort;
    buildArgs?: Record<string, string>;
  }): Promise<{ image: string; imageTag: string }>;
  buildBinary(input: { sourceDir: string; service: string; version: VersionRefPort }): Promise<{ binaryPath: string; sha256: string }>;
}

export interface RegistryPort {
  pushImage(input: { imageRepo: string; tags: string[] }): Promise<{ digest: string; imageRef: string }>;
  listReleases(input: { service: string; imageRepo?: string }): Promise<RetainedReleasePort[]>;
  pruneReleases(input: { service: string; imageRepo?: string; keep: number; protect: string[] }): Promise<{ kept: string[]; deleted: { imageTag: string }[] }>;
  /**
   * The configuration a build was last live with in an environment (`version`), or a config
   * version by id or digest (`configId`), as recorded when the pair went live; null when none was.
   */
  releasedConfig(input: { service: string; environment: string; version?: string; configId?: string }): Promise<ResolvedConfig | null>;
}

// ---------------------------------------------------------------------------------------------
// Targets + router (src/activities/deploy composes src/activities/targets and routers).
export type Role = 'stable' | 'canary' | 'preview' | 'baseline';
export type CandidateRole = Exclude<Role, 'stable'>;

/** Every deploy activity's first fields: which service, where, behind what. */
export interface TargetRef {
  service: string;
  environment: string;
  target: TargetSpec;
  router: RouterSpec;
}

export interface CandidateInfo {
  role: Role;
  release: Release;
  /** Base URL of the instance on loopback (no trailing slash): probes add /healthz, /readyz. */
  url: string;
}

export interface HealthProbeInput {
  /** Base URL; each path is appended. */
  url: string;
  paths: string[];
  timeoutMs: number;
}
export interface HealthProbeResult {
  ok: boolean;
  checks: { path: string; status: number | null; ok: boolean; error?: string; ms: number }[];
}

export type PromoteInput = TargetRef & { release: Release; role: CandidateRole; previous: Release | null; beside?: boolean };

export interface DeployPort {
  /** The stable release serving traffic, or null before the first release. */
  currentRelease(input: TargetRef): Promise<Release | null>;
  /**
   * Start `release` beside the stable in `role`. A canary joins the router at weight 0; a preview gets no production traffic.
   * `env` is extra environment for this candidate instance only (a drill's fault), on top of the
   * target's own; never applied to a stable. Plain configuration: it lands in workflow history,
   * so it never carries a secret.
   */
  deployCandidate(input: TargetRef & { release: Release; role: CandidateRole; env?: Record<string, string> }): Promise<CandidateInfo>;
  /** Send `weight`% of traffic to the canary `release`, the rest to the stable. No request dropped. Weight 0 with no canary left succeeds (undo after a rollback). */
  setTrafficWeight(input: TargetRef & { release: Release; weight: number }): Promise<void>;
  /**
   * `release` (now in `role`) becomes the stable at 100%; `previous` keeps running, warm, at 0%.
   * removeCandidate(release, role) follows (promoteAndRemoveCandidate): a target that promotes by
   * starting a fresh stable instance leaves the candidate for that call; one that relabels it has
   * nothing left.
   * `beside`: start the new stable in the other stable slot even without a router that splits
   * traffic (a fleet host switched blue-green: the fleet router in front moves the traffic).
   */
  promoteCandidate(input: PromoteInput): Promise<CandidateInfo>;
  /** Stop the candidate instance of `release` in `role` and take it out of the router. Absent is fine; never touches a stable instance. */
  removeCandidate(input: TargetRef & { release: Release; role: CandidateRole }): Promise<void>;
  /** `release` becomes the stable at 100% (started if needed, e.g. a retained version); `from` is removed. */
  rollbackToRelease(input: TargetRef & { release: Release; from: Release | null }): Promise<CandidateInfo>;
  /** Stop every instance of `release`, whatever its role, and take it out of the router. */
  retireRelease(input: TargetRef & { release: Release }): Promise<void>;
  /** One GET per path; never throws for HTTP or connection errors (they are `ok: false`). */
  probeHealth(input: HealthProbeInput): Promise<HealthProbeResult>;
}

/**
 * Steps the deploy activities compose from a target's own (src/activities/deploy), so targets do
 * not implement them.
 */
export interface PromotionPort {
  /**
   * promoteCandidate, then removeCandidate of the same release and role, as one activity: the
   * release's promotion then costs one workflow-task round trip instead of two. A retry repeats
   * both halves, and both are idempotent: a repeated promotion finds the new stable running and
   * the candidate already gone.
   */
  promoteAndRemoveCandidate(input: PromoteInput): Promise<CandidateInfo>;
  /**
   * promoteAndRemoveCandidate, then retireRelease of `previous`, as one activity: a release with
   * nothing to do between its promotion and the old version's retirement (no post-promotion checks
   * or bake, no scale-down delay) saves one more round trip. A retry repeats all three, and the
   * retirement is idempotent too: a repeated one finds nothing of `previous` left to stop.
   */
  promoteAndRetirePrevious(input: PromoteInput & { previous: Release }): Promise<CandidateInfo>;
}

export type SluiceActivities = BuildPort & RegistryPort & DeployPort & PromotionPort;

// ---------------------------------------------------------------------------------------------
// Configuration (src/activities/config-sources; docs/config.md).
export interface ConfigPort {
  /**
   * Reads the spec's configuration once, at one point in time (one etcd revision), refuses keys no
   * process could take, and names it by content digest. The result holds plain values and secret
   * names only: it goes into workflow history.
   */
  resolveConfigVersion(input: { service: string; environment: string; config: ConfigSpec }): Promise<ResolvedConfig>;
}

/** How a target that rolls its own instances replaces them (Kubernetes: Deployment.spec.strategy.rollingUpdate). */
export interface RollingUpdate {
  /** Extra instances above the desired count during the update: a count or a percentage ("25%"). */
  maxSurge: number | string;
  /** Instances that may be unavailable during the update: a count or a percentage. */
  maxUnavailable: number | string;
  /** Past it without progress, the update has failed (the target's own setting when absent). */
  progressDeadlineSeconds?: number;
}

/**
 * The rolling strategy on a target that replaces its own instances (the catalogue's `rollsOut`):
 * the stable moves to `release` by the target's rolling update, and the call returns once the
 * update is complete; a missed progress deadline fails it for good.
 */
export interface RolloutPort {
  rollOut(input: TargetRef & { release: Release; rollingUpdate: RollingUpdate }): Promise<CandidateInfo>;
}

/**
 * The instances behind a candidate whose URL is not itself an instance (the catalogue's
 * `urlScheme`: a `kubernetes://` Deployment runs several pods). An analysis scrapes and loads
 * each of them; a loopback http URL is its own one instance.
 */
export interface InstancesPort {
  /** Base URLs (no trailing slash) of the ready instances behind `url`, the candidate of `role`, now. */
  readyInstances(input: TargetRef & { role: Role; url: string }): Promise<string[]>;
}

// ---------------------------------------------------------------------------------------------
// The fleet router (src/activities/fleet): traffic between the hosts of a fleet, on the central
// worker. Each host's own instances are changed by its agent, through DeployPort on the host's
// task queue (src/domain/fleet.ts).
export interface FleetHostAddress {
  host: string;
  address: string;
  port: number;
}
export interface FleetHostState extends FleetHostAddress {
  weight: number;
  state: 'ready' | 'drain' | 'maint';
}
export interface FleetPort {
  /** Creates the fleet's proxy with one server per host (idempotent; no reload when nothing changed). */
  fleetEnsure(input: TargetRef & { hosts: string[] }): Promise<void>;
  /** Stops new requests to a host and waits until its in-flight ones finished (or the drain timeout). */
  fleetDrainHost(input: TargetRef & { host: string }): Promise<void>;
  /**
   * Points a host's server at its instance and makes it take traffic at `weight` (relative to the
   * other hosts); with `version`, the instance is (re)registered for scraping with that version.
   */
  fleetReadyHost(input: TargetRef & FleetHostAddress & { weight: number; version?: string }): Promise<void>;
  /** What the fleet's proxy does now: every host's server. */
  fleetHosts(input: TargetRef): Promise<FleetHostState[]>;
  /**
   * The role label of each host scraped for the fleet, for an analysis between batches:
   * `canaryHosts` canary, hosts on `baselineVersion` baseline, every other stable (all stable
   * when `canaryHosts` is empty). Returns the registered hosts as they are now.
   */
  fleetScrapeRoles(input: FleetScrapeRolesInput): Promise<FleetScrapedHost[]>;
}

export interface FleetScrapeRolesInput {
  service: string;
  environment: string;
  hosts: string[];
  canaryHosts: string[];
  baselineVersion?: string;
}

export interface FleetScrapedHost {
  host: string;
  role: Role;
  version: string;
  /** host:port Prometheus scrapes. */
  address: string;
}

/** What one host runs and keeps, asked of its agent (src/worker/agent.ts). */
export interface HostInventoryPort {
  /** The versions the host keeps locally (retained binaries), newest last as the target lists them; [] when its target keeps none. */
  retainedOnHost(input: TargetRef): Promise<string[]>;
}
export interface HostInventory {
  host: string;
  address: string;
  live: string | null;
  retained: string[];
  /** Why the host could not be asked (its agent did not answer in time). */
  error?: string;
}

// ---------------------------------------------------------------------------------------------
// Temporal itself (src/activities/workflows): what workflow code cannot ask the server.
export interface WorkflowsPort {
  /** Whether a workflow with this id runs now (a drill asks before it starts whether a release does). */
  workflowRunning(input: { workflowId: string }): Promise<boolean>;
}
