/**
 * docker-compose.yml cannot be run here (its images cannot be pulled), so it is held to what can
 * be checked without them:
 * - it is valid against the Compose specification's JSON schema, the one Docker Compose itself
 *   validates with (from the compose-go module; scripts/bootstrap.sh fetches it);
 * - its Sluice-side containers run the embedded stack's command lines (Component.daemonArgs) for a
 *   state dir at /var/lib/sluice, on the same loopback ports;
 * - every file one service writes is the same host file in the services that read it;
 * - `sluice dev prepare` writes every file those command lines name, promtool and amtool accept
 *   the configurations it writes, and the containers' user owns them;
 * - images are pinned, and Temporal gets Sluice's search attributes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { DASHBOARD_FILE } from '../../src/dashboards/write';
import { defaultCacheDir, loadStackConfig, prometheusUrl, SEARCH_ATTRIBUTE_TYPES, type StackConfig } from '../../src/dev/config';
import { COMPONENTS, stackPrepare } from '../../src/dev/stack';
import { packageRoot, packageVersion } from '../../src/lib/paths';

const execFileAsync = promisify(execFile);

/** Where docker-compose.yml mounts the state dir in every Sluice-side container. */
const STATE_DIR = '/var/lib/sluice';
/** Where the worker image holds the package (the Dockerfile's WORKDIR). */
const IMAGE_PACKAGE_DIR = '/opt/sluice';
/** The user the Sluice-side containers run as. */
const CONTAINER_USER = '65532:65532';
/** bootstrap.sh's compose_go_version. */
const COMPOSE_GO_VERSION = 'v2.16.2';

interface LongVolume {
  type?: string;
  source?: string;
  target: string;
}
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  ports?: string[];
  volumes?: (string | LongVolume)[];
  network_mode?: string;
  user?: string;
  environment?: Record<string, string>;
}
interface ComposeFile {
  services: Record<string, Service>;
}

const root = packageRoot();
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
// Compose reads YAML 1.1 merge keys (`<<: *anchor`), which the file uses for the Sluice image.
const compose = parse(composeText, { merge: true }) as ComposeFile;
/** The embedded stack's configuration for the compose file's state dir and default ports. */
const composeStack: StackConfig = loadStackConfig({ SLUICE_STATE_DIR: STATE_DIR });

function service(name: string): Service {
  const found = compose.services[name];
  assert.ok(found, `docker-compose.yml has a service ${name}`);
  return found;
}

/** Expands `${NAME:-default}` the way Compose does when NAME is unset. */
function withDefaults(value: string): string {
  let previous;
  do {
    previous = value;
    value = value.replace(/\$\{[A-Z_]+:-([^${}]*)\}/g, '$1');
  } while (value !== previous);
  return value;
}

/** The host path behind `path` in a service's container, from its bind mounts (repo-relative sources resolved). */
function hostPath(serviceName: string, path: string): string {
  for (const volume of service(serviceName).volumes ?? []) {
    const [source, target] = typeof volume === 'string' ? withDefaults(volume).split(':') : [volume.type === 'bind' ? withDefaults(volume.source ?? '') : undefined, volume.target];
    // Named volumes, and sources that only the user's shell can fill in (${PWD}), are not files of this checkout.
    if (!source || !target || source.includes('${') || !(source.startsWith('.') || source.startsWith('/'))) continue;
    const rest = posix.relative(target, path);
    if (rest.startsWith('..') || posix.isAbsolute(rest)) continue;
    return resolve(root, source, rest);
  }
  assert.fail(`${serviceName} does not mount ${path}`);
}

describe('docker-compose.yml', () => {
  test("is valid against the Compose specification's JSON schema, and a broken copy is not", () => {
    const schemaFile = join(defaultCacheDir(), `compose-spec-${COMPOSE_GO_VERSION}`, 'compose-spec.json');
    assert.ok(existsSync(schemaFile), `${schemaFile} is missing: run bash scripts/bootstrap.sh test --only compose-schema`);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    assert.ok(validate(compose), `docker-compose.yml: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.worker!.netwrk_mode = 'host';
    assert.equal(validate(broken), false, 'a misspelt key is refused');
  });

  test("runs the embedded stack's command lines, on its loopback ports", () => {
    const inCompose = COMPONENTS.filter((c) => c.daemonArgs !== undefined);
    assert.deepEqual(inCompose.map((c) => c.name).sort(), ['alert-receiver', 'alertmanager', 'haproxy', 'prometheus', 'registry']);
    for (const component of inCompose) {
      const s = service(component.name);
      assert.deepEqual(s.command, component.daemonArgs!(composeStack), `${component.name}: the command line of sluice dev up`);
      // Their addresses are 127.0.0.x ones, as in the embedded stack: only the host network has them.
      assert.equal(s.network_mode, 'host', `${component.name} uses the host network`);
      assert.equal(s.user, CONTAINER_USER, `${component.name} runs as the state dir's owner`);
    }
    // Temporal is a real server here (the dev server in the embedded stack), on the same ports.
    assert.deepEqual(service('temporal').ports, [`127.0.0.1:${composeStack.temporal.port}:7233`]);
    assert.deepEqual(service('temporal-ui').ports, [`127.0.0.1:${composeStack.temporal.uiPort}:8080`]);
    for (const [name, s] of Object.entries(compose.services)) {
      for (const port of s.ports ?? []) assert.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port} on loopback only`);
    }
    for (const name of ['worker', 'alert-receiver']) {
      assert.equal(service(name).environment?.TEMPORAL_ADDRESS, `127.0.0.1:${composeStack.temporal.port}`);
      assert.equal(service(name).environment?.SLUICE_STATE_DIR, STATE_DIR);
    }
    assert.deepEqual(service('worker').command, ['worker']);
    assert.equal(service('worker').network_mode, 'host', "the worker's HAProxy processes and the instances it deploys are on the host's loopback");
  });

  test('every file a service writes is the same host file in the services that read it', () => {
    const c = composeStack;
    const shared: { path: string; writer: string; readers: string[] }[] = [
      { path: c.prometheus.targetsDir, writer: 'worker', readers: ['prometheus'] },
      { path: c.prometheus.workersDir, writer: 'worker', readers: ['prometheus'] },
      { path: c.prometheus.localRulesDir, writer: 'prepare', readers: ['prometheus'] },
      { path: join(c.stateDir, 'prometheus', 'prometheus.yml'), writer: 'prepare', readers: ['prometheus'] },
      { path: join(c.stateDir, 'alertmanager', 'alertmanager.yml'), writer: 'prepare', readers: ['alertmanager'] },
      { path: c.alertReceiver.tokenFile, writer: 'prepare', readers: ['alertmanager', 'alert-receiver'] },
      { path: join(c.stateDir, 'registry', 'config.yml'), writer: 'prepare', readers: ['registry'] },
      { path: join(c.stateDir, 'haproxy', 'haproxy.cfg'), writer: 'prepare', readers: ['haproxy'] },
      { path: c.haproxy.servicesDir, writer: 'prepare', readers: ['worker'] },
    ];
    for (const { path, writer, readers } of shared) {
      const written = hostPath(writer, path);
      for (const reader of readers) assert.equal(hostPath(reader, path), written, `${path}: ${reader} reads what ${writer} writes`);
    }
    // The generated configuration names the package's rules inside the worker image; Prometheus
    // mounts this checkout's deploy/prometheus there.
    const rulesInImage = posix.join(IMAGE_PACKAGE_DIR, relative(root, c.prometheus.rulesDir));
    assert.equal(hostPath('prometheus', rulesInImage), c.prometheus.rulesDir);
    // Grafana: Sluice's dashboard file, and Prometheus where the stack has it.
    const provider = parse(readFileSync(join(root, 'deploy/compose/grafana/provisioning/dashboards/sluice.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    const dashboards = hostPath('grafana', provider.providers[0]!.options.path);
    assert.equal(join(dashboards, 'sluice.json'), join(root, DASHBOARD_FILE));
    assert.ok(readdirSync(dashboards).includes('sluice.json'));
    const datasources = parse(readFileSync(join(root, 'deploy/compose/grafana/provisioning/datasources/sluice.yml'), 'utf8')) as { datasources: { url: string }[] };
    assert.equal(datasources.datasources[0]!.url, prometheusUrl(c));
    assert.equal(hostPath('grafana', '/etc/grafana/provisioning/datasources/sluice.yml'), join(root, 'deploy/compose/grafana/provisioning/datasources/sluice.yml'));
  });

  describe('sluice dev prepare', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-compose-state-'));
    const stack = loadStackConfig({ SLUICE_STATE_DIR: dir });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('writes every file the containers name, owned by their user', async () => {
      await execFileAsync(process.execPath, [join(root, 'bin', 'sluice.js'), 'dev', 'prepare', '--owner', CONTAINER_USER], {
        env: { ...process.env, SLUICE_STATE_DIR: dir },
      });
      const named = Object.values(compose.services)
        .flatMap((s) => [...(s.command ?? []), ...(s.entrypoint ?? [])])
        .flatMap((arg) => arg.match(/\/var\/lib\/sluice\/[^\s,]+/g) ?? []);
      assert.ok(named.length >= 7, `paths named: ${named.join(' ')}`);
      for (const path of named) assert.ok(existsSync(join(dir, posix.relative(STATE_DIR, path))), `${path} exists after prepare`);
      const token = statSync(stack.alertReceiver.tokenFile);
      assert.equal(`${token.uid}:${token.gid}`, CONTAINER_USER);
      assert.equal(token.mode & 0o777, 0o600, 'the token stays readable by its owner only');
      assert.equal(`${statSync(stack.prometheus.targetsDir).uid}`, CONTAINER_USER.split(':')[0]);
    });

    test('promtool and amtool accept the configurations it writes', async () => {
      // The same as the in-process call the CLI makes; run again, nothing changes.
      assert.deepEqual(stackPrepare(stack).sort(), ['alert-receiver', 'alertmanager', 'haproxy', 'prometheus', 'registry']);
      const prom = await execFileAsync('promtool', ['check', 'config', join(dir, 'prometheus', 'prometheus.yml')]);
      assert.match(prom.stdout + prom.stderr, /SUCCESS/);
      const am = await execFileAsync('amtool', ['check-config', join(dir, 'alertmanager', 'alertmanager.yml')]);
      assert.match(am.stdout + am.stderr, /SUCCESS/);
    });
  });

  test("images are pinned, the worker image is this package's version, and Temporal gets Sluice's search attributes", () => {
    for (const [name, s] of Object.entries(compose.services)) {
      assert.ok(s.image, `${name} names its image`);
      assert.match(s.image, /:v?\d+\.\d+(\.\d+)?$/, `${name}: ${s.image} is pinned to a release`);
    }
    assert.equal(service('worker').image, `sluice-worker:${packageVersion()}`);
    assert.ok(
      Object.values(compose.services).some((s) => s.build !== undefined && s.image === service('worker').image),
      'one service builds the worker image',
    );
    const setup = readFileSync(join(root, 'deploy/compose/temporal/setup.sh'), 'utf8');
    const listed = Object.fromEntries([...setup.matchAll(/^\s+(Sluice\w+)=(\w+)/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(listed, { ...SEARCH_ATTRIBUTE_TYPES });
  });
});
