/**
 * A release's configuration on Kubernetes (issue 16, docs/config.md): one immutable ConfigMap per
 * config version, named by its content, which pod templates read key by key. A config-only
 * release therefore changes the pod template (a new ReplicaSet, rolled like any release), and the
 * old ReplicaSet keeps reading the old ConfigMap, so a rollback restores build and configuration
 * together. ConfigMaps no Deployment or kept ReplicaSet reads any more are removed.
 */
import type { ResolvedConfig } from '../../../domain/config';
import { ErrorType, badInput } from '../../../domain/errors';
import { apiStatus, readOrUndefined, type k8s, type KubeClients } from './client';
import { LABEL, configMapManifest, scopeSelector, secretName, selectorString, type Scope } from './manifests';

interface ScopeContext {
  clients: KubeClients;
  scope: Scope;
}

/**
 * Makes sure the pods of a release can start with its configuration: its ConfigMap exists (made
 * again if it was pruned, from the configuration the release records), and the scope's Secret
 * holds every secret it names. Checked before any Deployment changes, so a missing secret refuses
 * the step instead of leaving pods that cannot start. Idempotent.
 */
export async function ensureReleaseConfig(ctx: ScopeContext, config: ResolvedConfig | undefined): Promise<void> {
  if (!config) return;
  const { clients, scope } = ctx;
  if (config.version.secrets.length > 0) {
    const name = secretName(scope);
    const secret = await readOrUndefined(() => clients.core.readNamespacedSecret({ name, namespace: scope.namespace }));
    // Only the key names are looked at; the values stay in the cluster.
    const held = new Set([...Object.keys(secret?.data ?? {}), ...Object.keys(secret?.stringData ?? {})]);
    const missing = config.version.secrets.filter((key) => !held.has(key));
    if (missing.length > 0) {
      throw badInput(
        ErrorType.ConfigSecretMissing,
        secret
          ? `the Secret ${scope.namespace}/${name} has no key ${missing.join(', ')}, which ${config.version.id} names as secret${missing.length > 1 ? 's' : ''}`
          : `the Secret ${scope.namespace}/${name} does not exist; ${config.version.id} needs it with the key${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (target.settings.secretName names another)`,
      );
    }
  }
  try {
    await clients.core.createNamespacedConfigMap({ namespace: scope.namespace, body: configMapManifest(scope, config) });
  } catch (err) {
    // Named by its content: one that exists already holds exactly this configuration.
    if (apiStatus(err) !== 409) throw err;
  }
}

/** ConfigMap names a pod template reads. */
function configMapsRead(template: k8s.V1PodTemplateSpec | undefined): string[] {
  return (template?.spec?.containers ?? []).flatMap((c) => (c.env ?? []).flatMap((e) => (e.valueFrom?.configMapKeyRef?.name ? [e.valueFrom.configMapKeyRef.name] : [])));
}

/**
 * Removes the scope's config ConfigMaps that neither a Deployment nor a ReplicaSet of the scope
 * reads: a ReplicaSet dropped by revisionHistoryLimit can no longer be rolled back to, so its
 * configuration goes with it. Returns the names removed.
 */
export async function pruneReleaseConfigs(ctx: ScopeContext): Promise<string[]> {
  const { clients, scope } = ctx;
  const namespace = scope.namespace;
  const selector = selectorString(scopeSelector(scope));
  const maps = await clients.core.listNamespacedConfigMap({ namespace, labelSelector: `${selector},${LABEL.config}` });
  // A scope whose releases never had a configuration costs one call, on the path of every rollout.
  if (maps.items.length === 0) return [];
  const [deployments, replicaSets] = await Promise.all([
    clients.apps.listNamespacedDeployment({ namespace, labelSelector: selector }),
    clients.apps.listNamespacedReplicaSet({ namespace, labelSelector: selector }),
  ]);
  const read = new Set([...deployments.items, ...replicaSets.items].flatMap((o) => configMapsRead(o.spec?.template)));
  const removed: string[] = [];
  for (const map of maps.items) {
    const name = map.metadata?.name;
    if (!name || read.has(name)) continue;
    await readOrUndefined(() => clients.core.deleteNamespacedConfigMap({ name, namespace }));
    removed.push(name);
  }
  return removed;
}
