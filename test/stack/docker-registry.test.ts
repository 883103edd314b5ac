import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type Docker from 'dockerode';
import { pack } from 'tar-fs';
import { registryAddress } from '../../src/dev/config';
import { httpGet } from '../../src/dev/probe';
import { buildStaticServer } from '../helpers/go-server';
import { dockerClient, eventually, freePort, stack, uniqueName } from '../helpers/stack';

const docker = dockerClient();
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function followProgress(stream: NodeJS.ReadableStream): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, output: Array<Record<string, unknown>>) => {
      if (err) return reject(err);
      const failed = output.find((o) => o.error);
      return failed ? reject(new Error(String(failed.error))) : resolve(output);
    }),
  );
}

async function runHostNetworked(image: string, name: string, port: number): Promise<Docker.Container> {
  const container = await docker.createContainer({
    Image: image,
    name,
    Cmd: [`127.0.0.1:${port}`],
    Env: [`NAME=${name}`],
    HostConfig: { NetworkMode: 'host', AutoRemove: false },
  });
  cleanups.push(() => container.remove({ force: true }));
  await container.start();
  return container;
}

test('dockerd builds a FROM scratch image, runs it with host networking, and the registry round-trips it by digest', async () => {
  const binary = await buildStaticServer();
  const context = await mkdtemp(join(tmpdir(), 'sluice-smoke-'));
  cleanups.push(() => rm(context, { recursive: true, force: true }));
  await copyFile(binary, join(context, 'server'));
  await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nCOPY server /server\nUSER 65534:65534\nENTRYPOINT ["/server"]\n');

  const repo = `${registryAddress(stack)}/${uniqueName('smoke')}`;
  const tag = `${repo}:v1`;
  const buildStream = await docker.buildImage(pack(context) as unknown as NodeJS.ReadableStream, { t: tag });
  await followProgress(buildStream);
  cleanups.push(() => docker.getImage(tag).remove({ force: true }));

  // Runs with the host's network namespace and answers on loopback.
  const port = await freePort();
  await runHostNetworked(tag, uniqueName('smoke-run'), port);
  const answer = await eventually('the container to answer', async () => {
    const a = await httpGet(`http://127.0.0.1:${port}/hello`).catch(() => undefined);
    return a?.status === 200 ? a : undefined;
  });
  assert.match(answer.body, /\/hello/);
  const inspect = await docker.getImage(tag).inspect();
  assert.equal(inspect.Config.User, '65534:65534');

  // Push, learn the manifest digest from the registry, drop the local copy, pull by digest.
  // Docker 20.10 insists on an X-Registry-Auth header even for a registry without auth.
  await followProgress(await docker.getImage(tag).push({ authconfig: { serveraddress: registryAddress(stack) } }));
  const name = repo.slice(registryAddress(stack).length + 1);
  const head = await fetch(`http://${registryAddress(stack)}/v2/${name}/manifests/v1`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
  });
  assert.equal(head.status, 200);
  const digest = head.headers.get('docker-content-digest');
  assert.match(digest ?? '', /^sha256:[0-9a-f]{64}$/);

  for (const container of await docker.listContainers({ all: true, filters: { ancestor: [tag] } })) {
    await docker.getContainer(container.Id).remove({ force: true });
  }
  await docker.getImage(tag).remove({ force: true });
  const byDigest = `${repo}@${digest}`;
  await followProgress(await docker.pull(byDigest));
  cleanups.push(() => docker.getImage(byDigest).remove({ force: true }));
  const pulled = await docker.getImage(byDigest).inspect();
  assert.ok(pulled.RepoDigests.includes(byDigest), `pulled image carries ${byDigest}`);
  assert.equal(pulled.Id, inspect.Id, 'the pulled image is the one that was built');

  const port2 = await freePort();
  await runHostNetworked(byDigest, uniqueName('smoke-digest'), port2);
  await eventually('the digest-pinned container to answer', async () => {
    const a = await httpGet(`http://127.0.0.1:${port2}/`).catch(() => undefined);
    return a?.status === 200 ? true : undefined;
  });
});
