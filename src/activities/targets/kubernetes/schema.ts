import { z } from 'zod';
import { ErrorType, badInput } from '../../../domain/errors';

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** `target.settings` for kind `kubernetes`. Everything has a default that suits the local stack. */
export const KubernetesTargetSettings = z.strictObject({
  /** Path to a kubeconfig; default $SLUICE_KUBECONFIG, $KUBECONFIG, in-cluster, ~/.kube/config. */
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  namespace: z.string().regex(DNS_LABEL, 'must be a DNS label').optional(),
  /** Pods of the stable version (the canary's share is taken from these by the replica-ratio router). */
  replicas: z.number().int().min(1).max(100).default(2),
  containerName: z.string().regex(DNS_LABEL).default('app'),
  containerPort: z.number().int().min(1).max(65535).default(8080),
  /** Passed to the pods as ADDR, which the example Go service listens on. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  /** Deployment.spec.progressDeadlineSeconds: past it the controller reports ProgressDeadlineExceeded. */
  progressDeadlineSeconds: z.number().int().min(1).default(60),
  /** Deployment.spec.minReadySeconds. */
  minReadySeconds: z.number().int().min(0).default(0),
  /** ReplicaSets kept for `rollout undo` and rollbacks to a named version. */
  revisionHistoryLimit: z.number().int().min(1).max(100).default(10),
  /** Upper bound on one rollout wait inside an activity, on top of the progress deadline. */
  rolloutTimeoutSeconds: z.number().int().min(1).default(300),
  /** Extra labels on every object Sluice creates (team, cost centre...). */
  labels: z.record(z.string(), z.string()).default({}),
});
export type KubernetesTargetSettings = z.infer<typeof KubernetesTargetSettings>;

export function parseKubernetesSettings(raw: unknown): KubernetesTargetSettings {
  const parsed = KubernetesTargetSettings.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `target.settings.${i.path.join('.')}: ${i.message}`).join('; ');
    throw badInput(ErrorType.InvalidTargetSettings, `invalid kubernetes target settings: ${issues}`);
  }
  return parsed.data;
}
