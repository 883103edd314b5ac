/**
 * The release spec: what `sluice deploy` reads from sluice.yaml (plus flags) and hands to
 * `deployWorkflow`. Validated here, at the client edge, with field-level errors; inside the
 * workflow it is plain data (workflow code imports only the types from this file).
 */
import { z } from 'zod';
import { ConfigSpec } from './config';
import { FleetHosts } from './fleet';
import { AnalysisTemplate } from './analysis';
import type { AdapterCatalogue, Capabilities } from './adapters';
import { DURATION_PATTERN } from './duration';
import { DrillSettings } from './drill-settings';
import type { DrillRun } from './drill-terms';
import { Notifications } from './notifications';
import { BuildArgs, CommitSha, DockerfilePath, ImageRefByDigest, ImageRepo, ImageTag, TagPrefix } from './references';

export const Duration = z.string().regex(DURATION_PATTERN, 'must be a duration like "500ms", "5s", "10m" or "2h"');

/** DNS label: usable as a container name part, HAProxy backend, Temporal id segment and label value. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const ServiceName = z.string().regex(DNS_LABEL, 'must be a DNS label: lowercase letters, digits and dashes');
export const EnvironmentName = z.string().regex(DNS_LABEL, 'must be a DNS label: lowercase letters, digits and dashes');

const SEMVER_WITH_BUILD = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

// ---------------------------------------------------------------------------------------------
// Where the release comes from.
export const BuildSource = z.strictObject({
  kind: z.literal('build'),
  /** Git work tree: the version comes from its nearest tag and HEAD commit. */
  repoDir: z.string().min(1),
  /** Docker build context or Go package dir; default repoDir. */
  contextDir: z.string().min(1).optional(),
  /** Relative to contextDir, inside it. */
  dockerfile: DockerfilePath.optional(),
  /** Where images are pushed, e.g. 127.0.0.1:5000/go-service (docker and kubernetes targets). */
  imageRepo: ImageRepo.optional(),
  /** Release tags are `<tagPrefix><semver>`; default `v`. */
  tagPrefix: TagPrefix.optional(),
  buildArgs: BuildArgs.optional(),
});
export type BuildSource = z.infer<typeof BuildSource>;

export const PrebuiltSource = z
  .strictObject({
    kind: z.literal('prebuilt'),
    version: z.string().regex(SEMVER_WITH_BUILD, 'must be semver, e.g. 1.4.3+a1b2c3d'),
    imageRef: ImageRefByDigest.optional(),
    binaryPath: z.string().min(1).optional(),
    /** Default: derived from the version (1.4.3+a1b2c3d → v1.4.3-a1b2c3d). */
    imageTag: ImageTag.optional(),
    commit: CommitSha.optional(),
  })
  .refine((s) => s.imageRef !== undefined || s.binaryPath !== undefined, { message: 'a prebuilt source needs imageRef or binaryPath' });
export type PrebuiltSource = z.infer<typeof PrebuiltSource>;

export const Source = z.discriminatedUnion('kind', [BuildSource, PrebuiltSource]);
export type Source = z.infer<typeof Source>;

// ---------------------------------------------------------------------------------------------
// Where it runs and how traffic reaches it. Kinds and settings are the adapters' business: the
// adapter catalogue handed to releaseSpecSchema knows which kinds exist, which router a target
// takes and what settings each accepts; here they are a name and opaque JSON.
const AdapterKind = z.string().min(1);
export const TargetSpec = z.strictObject({ kind: AdapterKind, settings: z.record(z.string(), z.unknown()).default({}) });
export type TargetSpec = z.infer<typeof TargetSpec>;
export const RouterSpec = z.strictObject({ kind: AdapterKind, settings: z.record(z.string(), z.unknown()).default({}) });
export type RouterSpec = z.infer<typeof RouterSpec>;

// ---------------------------------------------------------------------------------------------
// Verification: a health-check window, or an analysis when the check names templates.
export const HealthCheck = z.strictObject({
  paths: z.array(z.string().startsWith('/', 'paths start with "/"')).min(1).default(['/healthz', '/readyz']),
  interval: Duration.default('1s'),
  window: Duration.default('10s'),
  /** This many failed probes in a row fail the check. */
  failureThreshold: z.number().int().min(1).default(3),
  /** Per-probe HTTP timeout. */
  timeout: Duration.default('2s'),
});
export type HealthCheck = z.infer<typeof HealthCheck>;

/** One verification: a health window, or, when `templates` names analysis templates, an analysis with them. */
export const CheckConfig = z.strictObject({
  /** Overrides healthCheck.window for this check. */
  window: Duration.optional(),
  templates: z.array(z.string().min(1)).optional(),
});
export type CheckConfig = z.infer<typeof CheckConfig>;

// ---------------------------------------------------------------------------------------------
// Strategies: data, interpreted by one switch in the workflow.
export const SetWeightStep = z.strictObject({ kind: z.literal('setWeight'), weight: z.number().int().min(0).max(100) });
/** No duration = wait for approve. */
export const PauseStep = z.strictObject({ kind: z.literal('pause'), duration: Duration.optional() });
export const AnalysisStep = CheckConfig.extend({ kind: z.literal('analysis') });
export const CanaryStep = z.discriminatedUnion('kind', [SetWeightStep, PauseStep, AnalysisStep]);
export type CanaryStep = z.infer<typeof CanaryStep>;
export type SetWeightStep = z.infer<typeof SetWeightStep>;
export type PauseStep = z.infer<typeof PauseStep>;
export type AnalysisStep = z.infer<typeof AnalysisStep>;

/**
 * Accepts Argo's YAML shorthand (`- setWeight: 10`, `- pause: {duration: 5s}`, `- pause: {}`,
 * `- analysis: {window: 20s}`) beside the tagged form (`- kind: setWeight, weight: 10`).
 */
function normalizeStep(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || 'kind' in raw) return raw;
  const entries = Object.entries(raw);
  if (entries.length !== 1) return raw;
  const [key, value] = entries[0]!;
  if (key === 'setWeight') return { kind: 'setWeight', weight: value };
  if ((key === 'pause' || key === 'analysis') && (value === null || (typeof value === 'object' && !Array.isArray(value)))) {
    return { kind: key, ...(value ?? {}) };
  }
  return raw;
}

export const CanaryStrategy = z.strictObject({
  kind: z.literal('canary'),
  steps: z.array(z.preprocess(normalizeStep, CanaryStep)).min(1),
  /** How long the old stable stays warm after promotion (instant rollback), then it is retired. */
  scaleDownDelay: Duration.default('0s'),
});
export type CanaryStrategy = z.infer<typeof CanaryStrategy>;

const ChecksOrOff = z.union([z.literal(false), CheckConfig]);
export const BlueGreenStrategy = z.strictObject({
  kind: z.literal('blueGreen'),
  /** false = wait for approve before switching traffic. */
  autoPromote: z.boolean().default(true),
  previewChecks: ChecksOrOff.default({}),
  postPromotionChecks: ChecksOrOff.default(false),
  scaleDownDelay: Duration.default('30s'),
});
export type BlueGreenStrategy = z.infer<typeof BlueGreenStrategy>;

export const RecreateStrategy = z.strictObject({
  kind: z.literal('recreate'),
  checks: ChecksOrOff.default({}),
});
export type RecreateStrategy = z.infer<typeof RecreateStrategy>;

export const HostSwitch = z.enum(['inPlace', 'blueGreen']);
export type HostSwitch = z.infer<typeof HostSwitch>;

/**
 * Rolling, two ways:
 * - across a fleet (`hosts`): a first batch of `canaryHosts`, then batches of `batchSize`. Each
 *   host is switched to the new version by its agent (`hostSwitch`), checked, and takes traffic
 *   again; `analysis` runs between batches. Every host changed is restored, newest first, on
 *   rollback.
 * - on a target that replaces its own instances (the catalogue's `rollsOut`: Kubernetes): its own
 *   rolling update with `maxSurge`, `maxUnavailable` and `progressDeadline`, then `checks`; the
 *   undo goes back to the previous release's retained instances (the old ReplicaSet).
 */
export const RollingStrategy = z.strictObject({
  kind: z.literal('rolling'),
  canaryHosts: z.number().int().min(1).default(1),
  batchSize: z.number().int().min(1).default(1),
  checks: ChecksOrOff.default({}),
  /** How long a host's step waits for its agent to take it before the agent counts as lost. */
  agentTimeout: Duration.default('2m'),
  /**
   * What a lost agent does to the release: `rollback` (default) restores every host changed;
   * `skip` leaves the host out of the router and goes on, as long as no more than
   * `maxUnavailable` hosts are out.
   */
  onAgentLost: z.enum(['rollback', 'skip']).default('rollback'),
  /** Hosts (a fleet, lost agents) or instances (a target's own rolling update) that may be out at once. */
  maxUnavailable: z.number().int().min(0).default(0),
  /** A target's own rolling update only: instances above the desired count meanwhile, a count or "25%". */
  maxSurge: z.union([z.number().int().min(0), z.string().regex(/^\d{1,3}%$/, 'is a count or a percentage such as 25%')]).default('25%'),
  /** A target's own rolling update only: past it without progress the update failed (default: the target's setting). */
  progressDeadline: Duration.optional(),
  /**
   * How one host changes version. `inPlace`: out of the router, the old instance stopped, the new
   * one started on the same port, back in (the host serves nothing meanwhile). `blueGreen`: the
   * new instance starts beside the old one on the host's other stable port, is checked, the
   * host's server in the router moves to it, then the old one stops (the host never stops
   * serving; it needs room for two instances).
   */
  hostSwitch: HostSwitch.default('inPlace'),
  /**
   * Analysis between batches: once a batch (not the last) is back in the router, the named
   * templates judge the hosts on the new version (role canary) against the hosts still on the
   * previous one (role baseline), on the traffic they serve. false: health windows only.
   */
  analysis: z.union([z.literal(false), CheckConfig.extend({ templates: z.array(z.string().min(1)).min(1) })]).default(false),
});
export type RollingStrategy = z.infer<typeof RollingStrategy>;

export const Strategy = z.discriminatedUnion('kind', [CanaryStrategy, BlueGreenStrategy, RecreateStrategy, RollingStrategy]);
export type Strategy = z.infer<typeof Strategy>;
export type StrategyKind = Strategy['kind'];

// ---------------------------------------------------------------------------------------------
/** Traffic Sluice drives while analysing, so a quiet environment still yields data (loopback only). */
export const AnalysisLoadSpec = z.strictObject({
  ratePerSecond: z.number().int().min(1).max(1000).default(20),
  /** `candidate` hits the candidate directly (as Flagger's load tester does); `router` goes through the proxy frontend. */
  via: z.enum(['candidate', 'router']).default('candidate'),
});
export const AnalysisSettings = z.strictObject({
  templates: z.array(AnalysisTemplate).default([]),
  load: AnalysisLoadSpec.optional(),
  /** {{window}} in query templates: the PromQL rate() range. */
  rateWindow: z
    .string()
    .regex(/^\d+(ms|s|m|h)$/, 'is a Prometheus duration such as 30s')
    .default('30s'),
});

/**
 * Watching after promotion: the release stays open for `bake` at 100% with the previous version
 * kept warm, so a rollback is a router flip. Bake analysis (the named templates, or a health
 * window when none) runs on workflow timers, and with `alerts` a firing Alertmanager alert for
 * the service and environment (delivered by the receiver as the `alert` signal) rolls back.
 */
export const PostPromotion = z.strictObject({
  bake: Duration,
  /** Analysis templates run against the promoted instance for the bake; none = a health window. */
  templates: z.array(z.string().min(1)).optional(),
  /** Roll back on a firing alert during the bake. */
  alerts: z.boolean().default(true),
});
export type PostPromotion = z.infer<typeof PostPromotion>;

export const ApprovalPolicy = z.strictObject({
  /** Who may approve; empty = anyone. */
  approvers: z.array(z.string().min(1)).default([]),
  /** A gate left unanswered this long rolls the release back. */
  timeout: Duration.optional(),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

export const Retention = z.strictObject({
  /** Releases kept in the registry/artifact store for rollback (the live and previous ones always are). */
  keep: z.number().int().min(2).max(1000).default(5),
});
export type Retention = z.infer<typeof Retention>;

/** The spec's fields and the rules that need no adapter knowledge. */
export const ReleaseSpecFields = z
  .strictObject({
    service: ServiceName,
    environment: EnvironmentName,
    source: Source,
    target: TargetSpec,
    router: RouterSpec.default({ kind: 'none', settings: {} }),
    strategy: Strategy,
    healthCheck: HealthCheck.default(HealthCheck.parse({})),
    analysis: AnalysisSettings.default(AnalysisSettings.parse({})),
    approval: ApprovalPolicy.default({ approvers: [] }),
    retention: Retention.default({ keep: 5 }),
    /** The whole release (not counting rollback) must finish within this, or it is rolled back. */
    deadline: Duration.optional(),
    /** Keep watching after 100% before the release ends (any strategy). */
    postPromotion: PostPromotion.optional(),
    /** Where release events go (src/domain/notifications.ts); usually set per environment. */
    notifications: Notifications.default([]),
    /** Rollback drills of this environment (src/domain/drill.ts): the fault a bad-canary drill injects, the budget. */
    drill: DrillSettings.optional(),
    /** The hosts of a fleet (src/domain/fleet.ts), each reached through its agent; released with the rolling strategy. */
    hosts: FleetHosts.optional(),
    /** Where the release's configuration comes from (src/domain/config.ts, docs/config.md). */
    config: ConfigSpec.optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.hosts && spec.strategy.kind !== 'rolling')
      ctx.addIssue({ code: 'custom', path: ['strategy', 'kind'], message: 'a fleet (hosts) is released with the rolling strategy' });
    // A host is checked while it is out of the router, with no traffic to judge: its check is a
    // health window, and the analysis runs between batches, on the traffic the hosts serve.
    if (spec.strategy.kind === 'rolling' && spec.strategy.checks && spec.strategy.checks.templates?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategy', 'checks', 'templates'],
        message: "a fleet's hosts are checked by a health window; name analysis templates in strategy.analysis (between batches)",
      });
    }
    const names = new Set(spec.analysis.templates.map((t) => t.name));
    const checkRefs: { path: (string | number)[]; templates?: string[] }[] = [];
    const strategy = spec.strategy;
    switch (strategy.kind) {
      case 'canary':
        strategy.steps.forEach((s, i) => {
          if (s.kind === 'analysis') checkRefs.push({ path: ['strategy', 'steps', i, 'templates'], templates: s.templates });
        });
        break;
      case 'blueGreen':
        if (strategy.previewChecks) checkRefs.push({ path: ['strategy', 'previewChecks', 'templates'], templates: strategy.previewChecks.templates });
        if (strategy.postPromotionChecks) checkRefs.push({ path: ['strategy', 'postPromotionChecks', 'templates'], templates: strategy.postPromotionChecks.templates });
        break;
      case 'recreate':
        if (strategy.checks) checkRefs.push({ path: ['strategy', 'checks', 'templates'], templates: strategy.checks.templates });
        break;
      case 'rolling':
        if (strategy.analysis) checkRefs.push({ path: ['strategy', 'analysis', 'templates'], templates: strategy.analysis.templates });
        break;
      default: {
        const unhandled: never = strategy;
        throw new Error(`unhandled strategy ${JSON.stringify(unhandled)}`);
      }
    }
    if (spec.postPromotion?.templates) checkRefs.push({ path: ['postPromotion', 'templates'], templates: spec.postPromotion.templates });
    for (const ref of checkRefs) {
      for (const name of ref.templates ?? []) {
        if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ref.path, message: `names unknown analysis template "${name}"` });
      }
    }
  });

/** Every problem the catalogue can see in the spec's target and router: kind, pairing, settings, artifact. */
function checkAdapters(spec: z.infer<typeof ReleaseSpecFields>, catalogue: AdapterCatalogue, ctx: z.RefinementCtx): void {
  const target = Object.hasOwn(catalogue.targets, spec.target.kind) ? catalogue.targets[spec.target.kind] : undefined;
  const router = Object.hasOwn(catalogue.routers, spec.router.kind) ? catalogue.routers[spec.router.kind] : undefined;
  if (!target) {
    ctx.addIssue({ code: 'custom', path: ['target', 'kind'], message: `unknown target kind "${spec.target.kind}" (known: ${Object.keys(catalogue.targets).join(', ')})` });
  }
  if (!router) {
    ctx.addIssue({ code: 'custom', path: ['router', 'kind'], message: `unknown router kind "${spec.router.kind}" (known: ${Object.keys(catalogue.routers).join(', ')})` });
  }
  // Rolling needs hosts to go through, unless the target replaces its own instances.
  if (target && spec.strategy.kind === 'rolling' && !spec.hosts && !target.rollsOut) {
    ctx.addIssue({
      code: 'custom',
      path: ['hosts'],
      message: `the rolling strategy releases a fleet: name its hosts (the ${spec.target.kind} target does not roll its own instances)`,
    });
  }
  if (target?.rollsOut && spec.hosts) {
    ctx.addIssue({ code: 'custom', path: ['hosts'], message: `the ${spec.target.kind} target places its own instances: a fleet's hosts run a target that does not` });
  }
  const paired = !target || target.routers.includes(spec.router.kind);
  if (router && !paired) {
    ctx.addIssue({ code: 'custom', path: ['router', 'kind'], message: `the ${spec.target.kind} target takes ${orList(target!.routers)}` });
  }
  if (target) addSettingsIssues(target.settings, spec.target.settings, ['target', 'settings'], ctx);
  // The settings of a router the target cannot take would only add noise to that error.
  if (router && paired) addSettingsIssues(router.settings, spec.router.settings, ['router', 'settings'], ctx);
  if (!target) return;
  const needsImage = target.artifact === 'image';
  if (spec.source.kind === 'build' && needsImage && !spec.source.imageRepo) {
    ctx.addIssue({ code: 'custom', path: ['source', 'imageRepo'], message: `is required to build for the ${spec.target.kind} target` });
  }
  if (spec.source.kind === 'prebuilt') {
    if (needsImage && !spec.source.imageRef) {
      ctx.addIssue({ code: 'custom', path: ['source', 'imageRef'], message: `is required for the ${spec.target.kind} target` });
    }
    if (!needsImage && !spec.source.binaryPath) {
      ctx.addIssue({ code: 'custom', path: ['source', 'binaryPath'], message: `is required for the ${spec.target.kind} target` });
    }
  }
}

function addSettingsIssues(schema: z.ZodType, settings: unknown, at: (string | number)[], ctx: z.RefinementCtx): void {
  const parsed = schema.safeParse(settings ?? {});
  if (parsed.success) return;
  for (const issue of parsed.error.issues)
    ctx.addIssue({ code: 'custom', path: [...at, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: issue.message });
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? 'no router') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function capabilitiesOf(spec: z.infer<typeof ReleaseSpecFields>, catalogue: AdapterCatalogue): Capabilities {
  const router = catalogue.routers[spec.router.kind];
  return { artifact: catalogue.targets[spec.target.kind]!.artifact, routerUrl: router?.frontendUrl?.(spec.router.settings) ?? null };
}

/**
 * The release spec as `sluice deploy` validates it: the fields above plus what the adapter
 * catalogue says about the target and router. The result carries `capabilities`, the adapter
 * facts the workflow acts on.
 */
export function releaseSpecSchema(catalogue: AdapterCatalogue) {
  return ReleaseSpecFields.superRefine((spec, ctx) => checkAdapters(spec, catalogue, ctx)).transform((spec): ReleaseSpec => ({
    ...spec,
    capabilities: capabilitiesOf(spec, catalogue),
  }));
}

/** The validated spec the workflow receives (defaults filled in, adapter capabilities attached). */
export type ReleaseSpec = z.infer<typeof ReleaseSpecFields> & {
  capabilities: Capabilities;
  /**
   * Set only by drillWorkflow on the spec of its bad-canary child, never read from sluice.yaml:
   * the live version may be released again, the candidate gets `faultEnv`, and the release never
   * promotes (see src/domain/drill.ts DrillRun).
   */
  drillRun?: DrillRun;
};
/** What a person writes: defaults optional. */
export type ReleaseSpecInput = z.input<typeof ReleaseSpecFields>;
