import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTE_TYPES, SEARCH_ATTRIBUTES } from '../../src/dev/config';
import { COMPONENTS } from '../../src/dev/stack';
import { repoRoot } from '../helpers/stack';

// docker-compose.yml cannot be run here (no image pulls), so keep it honest against the stack
// manager it mirrors: same components, same loopback ports, same search attributes.
test('docker-compose.yml mirrors the embedded stack', () => {
  const compose = parse(readFileSync(join(repoRoot(), 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { ports?: string[]; command?: string[]; network_mode?: string }>;
  };
  // The alert receiver is Sluice itself (`sluice alerts receive`), not a daemon an image provides.
  const expected = COMPONENTS.map((c) => c.name).filter((name) => name !== 'dockerd' && name !== 'alert-receiver');
  assert.deepEqual(Object.keys(compose.services).sort(), expected.sort());
  for (const [name, service] of Object.entries(compose.services)) {
    for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port} on loopback only`);
  }
  const temporalArgs = compose.services.temporal!.command!.join(' ');
  for (const attribute of SEARCH_ATTRIBUTES) assert.ok(temporalArgs.includes(`${attribute}=${SEARCH_ATTRIBUTE_TYPES[attribute]}`), attribute);
});
