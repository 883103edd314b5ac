// The Kubernetes connection helpers live in src/lib/kubernetes.ts, shared with the embedded
// stack (src/dev), which must not import activities. Import from there in new code.
export * from '../../../lib/kubernetes';
