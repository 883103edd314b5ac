import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where an executable lives: PATH first, then the sbin folders Debian puts daemons in (a worker's PATH may lack them). */
export function locateExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // keep looking
    }
  }
  return undefined;
}
