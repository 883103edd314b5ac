import { z } from 'zod';
import { ErrorType, badInput } from '../../../domain/errors';

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A label (or taint) key: an optional DNS-subdomain prefix and a slash, then a 63-character name. */
const LABEL_KEY = /^(?:(?=.{1,253}\/)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value: empty, or up to 63 characters of [A-Za-z0-9._-] starting and ending alphanumeric. */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/**
 * With `network: host` the pods of every slot share their node's network, so each slot listens on
 * a port of its own: `containerPort` plus this offset (src/activities/targets/kubernetes/manifests.ts).
 * The largest offset bounds `containerPort`.
 */
export const MAX_SLOT_PORT_OFFSET = 4;

/** Environment variables the target itself sets on a host-network pod. */
export const HOST_NETWORK_ENV = ['HOST_IP', 'ADDR'] as const;

const Toleration = z.strictObject({
  key: z.string().regex(LABEL_KEY, 'must be a label key such as sluice.dev/real-node'),
  /** Equal: the taint's value must be `value`; Exists: any value (then `value` must be left out). */
  operator: z.enum(['Equal', 'Exists']).default('Equal'),
  value: z.string().regex(LABEL_VALUE, 'must be a label value (63 characters of A-Z a-z 0-9 . _ -)').optional(),
  /** The taint effect tolerated; left out, every effect of the key. */
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
});

/** `target.settings` for kind `kubernetes`. Everything has a default that suits the local stack. */
export const KubernetesTargetSettings = z
  .strictObject({
    /** Path to a kubeconfig; default $SLUICE_KUBECONFIG, $KUBECONFIG, in-cluster, ~/.kube/config. */
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    namespace: z.string().regex(DNS_LABEL, 'must be a DNS label').optional(),
    /** Pods of the stable version (the canary's share is taken from these by the replica-ratio router). */
    replicas: z.number().int().min(1).max(100).default(2),
    containerName: z.string().regex(DNS_LABEL).default('app'),
    containerPort: z.number().int().min(1).max(65535).default(8080),
    /**
     * `pod`: each pod has its own IP (a CNI network) and listens on 0.0.0.0:containerPort.
     * `host`: pods share their node's network (hostNetwork), listen on the node's address, and
     * each slot takes its own port; one pod of a slot per node (docs/kubernetes.md).
     */
    network: z.enum(['pod', 'host']).default('pod'),
    /** Pod spec nodeSelector: only nodes with these labels run the pods. */
    nodeSelector: z.record(z.string().regex(LABEL_KEY, 'must be a label key'), z.string().regex(LABEL_VALUE, 'must be a label value')).default({}),
    /** Pod spec tolerations: taints the pods may be scheduled over. */
    tolerations: z.array(Toleration).max(20).default([]),
    /** Environment of every pod; the release's configuration and a candidate's own env go over it. */
    env: z.record(z.string().regex(ENV_NAME), z.string()).default({}),
    /**
     * The Secret in the namespace whose keys hold the secrets the release's configuration names
     * (`config.secrets`); default `<service>-<environment>`, the stable Deployment's name. Pods read
     * them through secretKeyRef, so their values never pass through Sluice.
     */
    secretName: z.string().regex(DNS_SUBDOMAIN, 'must be a Kubernetes object name (DNS subdomain)').optional(),
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
  })
  .superRefine((s, ctx) => {
    s.tolerations.forEach((t, i) => {
      if (t.operator === 'Exists' && t.value !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['tolerations', i, 'value'], message: 'must be left out with operator Exists (it tolerates every value)' });
      }
    });
    if (s.network !== 'host') return;
    if (s.containerPort + MAX_SLOT_PORT_OFFSET > 65535) {
      ctx.addIssue({
        code: 'custom',
        path: ['containerPort'],
        message: `must be at most ${65535 - MAX_SLOT_PORT_OFFSET} with network host: each slot listens on containerPort + 0..${MAX_SLOT_PORT_OFFSET}`,
      });
    }
    for (const name of HOST_NETWORK_ENV) {
      if (name in s.env) ctx.addIssue({ code: 'custom', path: ['env', name], message: `is set by the target with network host (the node's address and the slot's port)` });
    }
  });
export type KubernetesTargetSettings = z.infer<typeof KubernetesTargetSettings>;
export type KubernetesToleration = z.infer<typeof Toleration>;

export function parseKubernetesSettings(raw: unknown): KubernetesTargetSettings {
  const parsed = KubernetesTargetSettings.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `target.settings.${i.path.join('.')}: ${i.message}`).join('; ');
    throw badInput(ErrorType.InvalidTargetSettings, `invalid kubernetes target settings: ${issues}`);
  }
  return parsed.data;
}
