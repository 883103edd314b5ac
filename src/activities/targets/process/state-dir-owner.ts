import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorType, badInput } from '../../../domain/errors';
import type { TargetScope } from '../target';

const OWNER_FILE = 'owner.json';

interface Owner {
  service: string;
  environment: string;
}

function readOwner(dir: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * A process target's state dir serves one service and environment: its slot records and retained
 * binaries are keyed by slot and version only, so two services sharing a `stateDir` would stop
 * each other's processes. The first use records the owner; any other service or environment is
 * refused, before anything runs or stops.
 */
export function claimStateDir(dir: string, scope: TargetScope): void {
  let owner = readOwner(dir);
  if (!owner) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, OWNER_FILE), `${JSON.stringify({ service: scope.service, environment: scope.environment })}\n`, { flag: 'wx' });
      return;
    } catch (err) {
      // Another release claimed it first: its claim decides.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      owner = readOwner(dir);
    }
  }
  if (owner && (owner.service !== scope.service || owner.environment !== scope.environment)) {
    throw badInput(
      ErrorType.InvalidTargetSettings,
      `process target: stateDir ${dir} belongs to ${owner.service}/${owner.environment}, not ${scope.service}/${scope.environment}; ` +
        'each service and environment needs a state dir of its own (leave stateDir unset for <stack state>/processes/<service>/<env>)',
    );
  }
}
