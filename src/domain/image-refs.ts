/**
 * The parts of an image reference, as plain functions: its repository and its registry host.
 * Apart from the schemas of ./references because workflow code takes the repository of a
 * release's image, and every module a workflow imports is evaluated again for each workflow the
 * worker creates.
 */
/**
 * The registry host of `127.0.0.1:5000/team/svc`, or undefined when the first path component is
 * not one (Docker's rule: it holds a dot or a colon, or is `localhost`). Sluice never pushes to a
 * default hub, so every repository it builds for, pushes to or lists names its registry.
 */
export function registryHostOf(imageRepo: string): string | undefined {
  const slash = imageRepo.indexOf('/');
  const first = slash > 0 ? imageRepo.slice(0, slash) : '';
  return first && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : undefined;
}

/** The repository of an image reference: `127.0.0.1:5000/svc` of `127.0.0.1:5000/svc@sha256:…` (the reference itself when it has no digest). */
export function repositoryOf(imageRef: string): string {
  const at = imageRef.lastIndexOf('@');
  return at > 0 ? imageRef.slice(0, at) : imageRef;
}
