import { parseAllDocuments } from 'yaml';
import { connectKubernetes, serverSideApply, type k8s } from '../../lib/kubernetes';
import type { KubeStackConfig } from './kube-config';

/** Server-side applies every document of a multi-document YAML text with the admin kubeconfig. */
export async function applyManifests(kube: KubeStackConfig, text: string): Promise<number> {
  const clients = await connectKubernetes({ kubeconfig: kube.kubeconfig });
  const objects = parseAllDocuments(text)
    .map((doc) => doc.toJS() as k8s.KubernetesObject | null)
    .filter((o): o is k8s.KubernetesObject => o !== null && typeof o === 'object' && typeof o.kind === 'string');
  for (const object of objects) await serverSideApply(clients, object);
  return objects.length;
}
