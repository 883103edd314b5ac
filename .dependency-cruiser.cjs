// Import directions between the folders of src/ (docs/architecture.md explains the layers).
// `npm run lint` runs this over src, test and bench; scripts/test.sh runs lint before the stack starts.
//
// Layers point one way:
//   domain ← lib ← activities ← worker / cli / demo   (the composition roots)
//   domain ← workflows (which reach activities through `import type` only)
//   client talks to Temporal and people; it gets the embedded stack's defaults injected.
//   receivers (Alertmanager webhook) are Temporal clients too: they signal workflows.
//   dev is the embedded stack: only composition roots, test/ and bench/ may import it.

const compositionRoots = ['^src/worker/', '^src/cli/', '^src/demo/'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere; extract what two files share into a third.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-the-bottom',
      severity: 'error',
      comment: 'src/domain holds plain data types and schemas that every folder shares; it imports no other src folder.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'lib-only-domain-and-lib',
      severity: 'error',
      comment: 'src/lib holds small helpers; it imports only src/domain and src/lib.',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/lib/'] },
    },
    {
      name: 'activities-not-to-roots-or-workflows',
      severity: 'error',
      comment: 'Activities act on the world; they never reach up into composition roots, the client or workflows.',
      from: { path: '^src/activities/' },
      to: { path: ['^src/worker/', '^src/cli/', '^src/client/', '^src/demo/', '^src/workflows/'] },
    },
    {
      name: 'activities-not-to-dev',
      severity: 'error',
      comment: 'Activities get addresses as configuration; they never read the embedded stack (src/dev).',
      from: { path: '^src/activities/' },
      to: { path: '^src/dev/' },
    },
    {
      name: 'workflows-deterministic',
      severity: 'error',
      comment: 'Workflows import only src/domain and other workflow files at run time; activities only via `import type`.',
      from: { path: '^src/workflows/' },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/workflows/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-types-only-from-activities',
      severity: 'error',
      comment: 'Workflows may see activity types, nothing else outside domain and workflows.',
      from: { path: '^src/workflows/' },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/workflows/', '^src/activities/'] },
    },
    {
      name: 'client-not-to-roots-or-dev',
      severity: 'error',
      comment: 'The client talks to Temporal; the CLI (its composition root) injects the embedded stack defaults.',
      from: { path: '^src/client/' },
      to: { path: ['^src/dev/', '^src/cli/', '^src/demo/', '^src/worker/'] },
    },
    {
      name: 'receivers-not-to-roots-dev-or-activities',
      severity: 'error',
      comment: 'Receivers (src/receivers/<source>/) turn outside events into signals: Temporal clients like src/client, wired by the CLI.',
      from: { path: '^src/receivers/' },
      to: { path: ['^src/dev/', '^src/cli/', '^src/demo/', '^src/worker/', '^src/activities/'] },
    },
    {
      name: 'dev-not-to-activities-or-roots',
      severity: 'error',
      comment: 'The embedded stack stands on its own: no activities, no composition roots, no client.',
      from: { path: '^src/dev/' },
      to: { path: ['^src/activities/', '^src/worker/', '^src/cli/', '^src/client/', '^src/demo/', '^src/workflows/'] },
    },
    {
      name: 'only-roots-read-dev',
      severity: 'error',
      comment: 'Only composition roots (src/worker, src/cli, src/demo), test/ and bench/ may import src/dev.',
      from: { pathNot: [...compositionRoots, '^src/dev/', '^test/', '^bench/'] },
      to: { path: '^src/dev/' },
    },
    {
      name: 'demo-not-to-cli',
      severity: 'error',
      comment: 'The CLI launches the demo and injects its settings and formatters; the demo never reaches back into the CLI.',
      from: { path: '^src/demo/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'worker-not-to-cli-demo-client',
      severity: 'error',
      comment: 'The worker is a composition root the CLI and the demo start; it does not depend on them or on the client.',
      from: { path: '^src/worker/' },
      to: { path: ['^src/cli/', '^src/demo/', '^src/client/'] },
    },
    {
      name: 'dashboards-only-domain-and-lib',
      severity: 'error',
      comment: 'src/dashboards is data (the Grafana dashboard) and its writer; it imports only src/domain and src/lib.',
      from: { path: '^src/dashboards/' },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/lib/', '^src/dashboards/'] },
    },
    {
      name: 'src-not-to-tests',
      severity: 'error',
      comment: 'Production code never imports test or bench code.',
      from: { path: '^src/' },
      to: { path: ['^test/', '^bench/'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that cannot be resolved is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^node_modules/'] },
    // Keep `import type` edges so the workflow rules can tell them apart, and so type-only cycles count too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
