import pino from 'pino';
import type { CandidateInfo, DeployPort, HealthProbeInput, InstancesPort, PromoteInput, PromotionPort, RolloutPort, TargetRef, WorkflowsPort } from '../../domain/ports';
import { ErrorType, badInput } from '../../domain/errors';
import type { AdapterConfig } from '../config';
import { probeHealth } from '../health';
import { ROUTERS, type RouterRegistry } from '../routers/registry';
import { TARGETS, targetAdapter, type TargetRegistry } from '../targets/registry';
import type { TargetActivities } from '../targets/target';
import { scrapeAddress } from '../metrics/scrape-groups';
import { withPairRecords } from './pairs';
import { withLiveScrape } from './scrape';
import { createWorkflowsActivities } from '../workflows';
import { heartbeatWhileRunning } from '../targets/activity-context';

export interface DeployActivityDeps {
  /** Where the shared services are (Docker socket, state dir, HAProxy): from the composition root. */
  config: AdapterConfig;
  logger?: pino.Logger;
  /** The targets to dispatch to (default: the registry; tests add their fakes with withTargets). */
  targets?: TargetRegistry;
  routers?: RouterRegistry;
  /**
   * Prometheus file-SD directory: when set, every live instance is registered there for as long
   * as it runs (./scrape.ts). The worker sets it; tests that drive targets alone leave it out.
   */
  prometheusTargetsDir?: string;
  /**
   * The artifact store: when set, every pair of build and config version that goes live is
   * recorded there (./pairs.ts), so a rollback can restore the pair. The worker sets it.
   */
  pairStore?: string;
}

/**
 * The deploy activities the workflows call (DeployPort): each call goes to the activities of the
 * adapter its `target.kind` names, looked up in the registry. Health probes go to the adapter
 * whose URL scheme the URL has, and to the HTTP probe otherwise; the instances behind a URL to the
 * adapter that made it. With `prometheusTargetsDir`, the instances each call starts or stops are
 * (un)registered for continuous scraping. A promotion and the promoted candidate's removal also
 * come as one activity (promoteAndRemoveCandidate), and with the previous release's retirement
 * (promoteAndRetirePrevious). The change lock's question (WorkflowsPort,
 * asked by every release and rollback before it changes anything) comes with them, so every
 * worker that can run a release can answer it.
 */
export function createDeployActivities(deps: DeployActivityDeps): DeployPort & PromotionPort & RolloutPort & InstancesPort & WorkflowsPort {
  const logger = deps.logger ?? pino({ name: 'sluice-deploy', level: process.env.SLUICE_LOG_LEVEL ?? 'info' });
  const targets = deps.targets ?? TARGETS;
  const routers = deps.routers ?? ROUTERS;
  const built = new Map<string, TargetActivities>();
  const activitiesOf = (input: TargetRef): TargetActivities => {
    const adapter = targetAdapter(input.target?.kind, targets);
    let activities = built.get(adapter.kind);
    if (!activities) {
      activities = adapter.deployActivities({ config: deps.config, routers, logger });
      if (deps.prometheusTargetsDir) activities = withLiveScrape(activities, deps.prometheusTargetsDir);
      if (deps.pairStore) activities = withPairRecords(activities, deps.pairStore);
      built.set(adapter.kind, activities);
    }
    return activities;
  };
  type Always = Omit<DeployPort, 'probeHealth'>;
  const call = <K extends keyof Always>(name: K): Always[K] => (async (input: TargetRef) => activitiesOf(input)[name](input as never)) as Always[K];

  // Every step heartbeats while it runs, so a worker that dies mid-step is noticed in seconds.
  return heartbeatWhileRunning({
    currentRelease: call('currentRelease'),
    deployCandidate: call('deployCandidate'),
    setTrafficWeight: call('setTrafficWeight'),
    promoteCandidate: call('promoteCandidate'),
    removeCandidate: call('removeCandidate'),
    promoteAndRemoveCandidate: (input) => promoteAndRemove(activitiesOf(input), input),
    async promoteAndRetirePrevious(input) {
      const activities = activitiesOf(input);
      const stable = await promoteAndRemove(activities, input);
      const { previous, beside: _beside, role: _role, ...ref } = input;
      await activities.retireRelease({ ...ref, release: previous });
      return stable;
    },
    rollbackToRelease: call('rollbackToRelease'),
    retireRelease: call('retireRelease'),
    async rollOut(input) {
      const rollOut = activitiesOf(input).rollOut;
      if (!rollOut) throw badInput(ErrorType.StrategyUnsupported, `the ${input.target.kind} target does not roll its own instances: the rolling strategy needs hosts there`);
      return rollOut(input);
    },
    async readyInstances(input) {
      const own = activitiesOf(input).readyInstances;
      if (own) return own(input);
      // A loopback instance's URL is the instance itself.
      if (scrapeAddress(input.url)) return [input.url];
      throw badInput(ErrorType.NoReadyInstances, `the ${input.target.kind} target cannot list the instances behind ${input.url}`);
    },
    probeHealth: (input: HealthProbeInput) => {
      const owner = Object.values(targets).find((t) => t.urlScheme && t.probeHealth && input.url.startsWith(`${t.urlScheme}//`));
      return owner?.probeHealth ? owner.probeHealth(input) : probeHealth(input);
    },
    ...createWorkflowsActivities(),
  });
}

async function promoteAndRemove(activities: TargetActivities, input: PromoteInput): Promise<CandidateInfo> {
  const { previous: _previous, beside: _beside, ...candidate } = input;
  const stable = await activities.promoteCandidate(input);
  await activities.removeCandidate(candidate);
  return stable;
}

export { probeHealth };
