/**
 * What the Temporal Web UI shows for a Sluice workflow besides its type and status: the static
 * summary (one line in the workflow list), the static details (the workflow page's header) and
 * the current details (what the run is doing now). The list's status column says "Completed" for
 * a promoted release and a rolled-back one alike (rollbacks are outcomes, not failures), so these
 * lines are where the two tell apart. Plain functions of plain data: the client calls them when it
 * starts a workflow, the workflow's tracker calls releaseCurrentDetails as its state changes.
 */
import type { DeploymentStatus, EventType, Phase } from './status';

/** The part of a release spec the summaries read (a validated ReleaseSpec or the client's SpecLike). */
export interface SummarySpec {
  service: string;
  environment: string;
  target?: { kind: string };
  router?: { kind: string };
  source?: { kind: string; version?: string; repoDir?: string; imageRef?: string; binaryPath?: string };
  hosts?: readonly unknown[];
  strategy?: { kind: string; steps?: readonly unknown[] };
}

/** The version a release goes to, as far as its spec says before the workflow resolves it. */
function targetVersion(spec: SummarySpec): string {
  const source = spec.source;
  if (source?.kind === 'prebuilt' && source.version) return source.version;
  if (source?.kind === 'build') return 'a build of HEAD';
  return 'the given release';
}

function describeStep(step: unknown): string {
  const s = (step ?? {}) as { kind?: string; weight?: number; setWeight?: number; duration?: string; pause?: { duration?: string } | null; analysis?: unknown };
  if (s.kind === 'setWeight' || s.setWeight !== undefined) return `${s.weight ?? s.setWeight}%`;
  if (s.kind === 'pause' || s.pause !== undefined) {
    const duration = s.duration ?? s.pause?.duration;
    return duration ? `pause ${duration}` : 'approval';
  }
  if (s.kind === 'analysis' || s.analysis !== undefined) return 'analysis';
  return s.kind ?? '?';
}

/** `canary 10% → analysis → approval → 100%`, `blueGreen`, `rolling`. */
export function strategyLine(strategy: SummarySpec['strategy']): string {
  if (!strategy) return 'release';
  if (strategy.kind === 'canary' && strategy.steps?.length) return `canary ${strategy.steps.map(describeStep).join(' → ')}`;
  return strategy.kind;
}

/** The workflow list's line for a release: `release checkout → production: 1.4.3 by canary 10% → 100%`. */
export function releaseSummary(spec: SummarySpec): string {
  return `release ${spec.service} → ${spec.environment}: ${targetVersion(spec)} by ${strategyLine(spec.strategy)}`;
}

/** The workflow page's fixed details for a release (Temporal markdown, several lines). */
export function releaseDetails(spec: SummarySpec, by?: string): string {
  const source = spec.source;
  const from =
    source?.kind === 'build'
      ? `build of ${source.repoDir ?? '?'} (the version comes from its tag and commit)`
      : `prebuilt ${source?.version ?? '?'}${source?.imageRef ? ` (${source.imageRef})` : source?.binaryPath ? ` (${source.binaryPath})` : ''}`;
  return [
    `**service** ${spec.service} in **${spec.environment}**`,
    `**from** the live version (read from the target at start) **to** ${targetVersion(spec)}`,
    `**source** ${from}`,
    `**strategy** ${strategyLine(spec.strategy)}`,
    `**target** ${spec.target?.kind ?? '?'}${spec.hosts?.length ? ` on ${spec.hosts.length} hosts` : ''}, **router** ${spec.router?.kind ?? 'none'}`,
    ...(by ? [`**started by** ${by}`] : []),
    'The outcome (promoted, rolled-back, aborted, failed) is in the result and the SluicePhase search attribute; a rollback completes the workflow.',
  ].join('\n');
}

/** Keyword search attributes hold at most 2 KB; a list column needs far less. */
const LIST_LINE_MAX = 200;

function clip(line: string): string {
  return line.length <= LIST_LINE_MAX ? line : `${line.slice(0, LIST_LINE_MAX - 1)}…`;
}

/** The SluiceSummary search attribute of a release once its versions are known: `checkout 1.4.2 → 1.4.3 · canary 10% → 100%`. */
export function releaseListLine(service: string, from: string | undefined, to: string, strategy: SummarySpec['strategy']): string {
  return clip(`${service} ${from ?? 'none'} → ${to} · ${strategyLine(strategy)}`);
}

/** The SluiceSummary search attribute of a rollback once its target is chosen. */
export function rollbackListLine(service: string, from: string | undefined, to: string): string {
  return clip(`rollback ${service} ${from ?? 'none'} → ${to}`);
}

export function rollbackSummary(service: string, environment: string, toVersion?: string): string {
  return `rollback ${service} in ${environment} to ${toVersion ?? 'the release before the live one'}`;
}

export function drillSummary(service: string, environment: string, kind: string, by: string): string {
  return `${kind} drill of ${service} in ${environment}, ${by}`;
}

/** Events that decide or judge something: the latest one is the page's "last decision". */
const DECISION_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['analysis', 'check', 'approved', 'approval-refused', 'abort-requested', 'alert', 'compensation-failed']);

/** A drill's current details: what it does now, then how it ended against the budget. */
export function drillCurrentDetails(
  kind: string,
  live: string,
  stage: string,
  end?: { outcome: string; reason: string; timeToDetectMs: number | null; timeToRestoreMs: number | null; budgetMs: number },
): string {
  const lines = [`**${end ? end.outcome.toUpperCase() : stage}** · ${kind} drill on live ${live}`];
  if (end) {
    const s = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`);
    lines.push(`**detect** ${s(end.timeToDetectMs)} · **restore** ${s(end.timeToRestoreMs)} · **budget** ${s(end.budgetMs)}`, `**reason** ${end.reason}`);
  }
  return lines.join('\n');
}

const PHASE_WORDS: Partial<Record<Phase, string>> = {
  succeeded: 'promoted',
  'rolled-back': 'ROLLED BACK',
  aborted: 'ABORTED',
  failed: 'FAILED',
};

/**
 * What a release is doing now, for the workflow page (Temporal markdown): phase, step, weight,
 * versions and the latest decision or check. Computed from the status the `status` query
 * returns, so the page and `sluice status` never disagree.
 */
export function releaseCurrentDetails(status: DeploymentStatus): string {
  const phase = PHASE_WORDS[status.phase] ?? status.phase;
  const step = status.stepIndex >= 0 && status.stepCount > 0 ? ` · step ${status.stepIndex + 1}/${status.stepCount}` : '';
  const versions = status.release ? `${status.previous?.version ?? 'nothing live'} → ${status.release.version}` : 'version not resolved yet';
  const lines = [`**${phase}**${step} · canary weight ${status.weight}%${status.paused ? ' · paused' : ''}`, `**release** ${versions}`];
  if (status.awaitingApproval) lines.push(`**waiting for** approval at ${status.awaitingApproval.gate}`);
  const decision = [...status.events].reverse().find((e) => DECISION_EVENTS.has(e.type));
  if (decision) lines.push(`**last decision** ${decision.message}`);
  if (status.result) lines.push(`**outcome** ${status.result.outcome}: ${status.result.reason}`);
  return lines.join('\n');
}
