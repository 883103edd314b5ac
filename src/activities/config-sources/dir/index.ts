/**
 * The dir config source: a directory in the repository, one file per key (the envdir layout of
 * daemontools and runit, and the layout of a mounted Kubernetes ConfigMap). The file's name is
 * the key and its content the value, with one trailing newline dropped (editors add one). Files
 * whose names start with "." are skipped (.gitkeep, editor swap files); a subdirectory or any
 * other entry is refused, so a typo never silently drops a setting.
 *
 * One file per key rather than a .env file: a review diff shows exactly which settings changed,
 * no quoting or escaping rules apply (a value is the bytes in the file), and it mirrors the
 * etcd layout, so moving a service between the two is a copy.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorType, badInput } from '../../../domain/errors';
import type { ConfigValues, DirConfigSpec } from '../../../domain/config';
import type { ConfigSourceAdapter } from '../source';

export const dirSource: ConfigSourceAdapter<DirConfigSpec> = {
  kind: 'dir',
  async read(spec) {
    let entries;
    try {
      entries = await readdir(spec.path, { withFileTypes: true });
    } catch (err) {
      throw badInput(ErrorType.InvalidConfig, `config.source dir: cannot read ${spec.path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const values: ConfigValues = {};
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.')) continue;
      if (!entry.isFile()) throw badInput(ErrorType.InvalidConfig, `config.source dir: ${join(spec.path, entry.name)} is not a regular file (one file per key, no subdirectories)`);
      values[entry.name] = (await readFile(join(spec.path, entry.name), 'utf8')).replace(/\r?\n$/, '');
    }
    return { values, revision: null, source: `dir ${spec.path}` };
  },
};
