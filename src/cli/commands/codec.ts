import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import pino from 'pino';
import { EncryptionCodec, KEYS_FILE_ENV, KeyId, readEncryptionKeys, readEncryptionKeysFile, type EncryptionKeysFile } from '../../lib/payload-encryption';
import { listen } from '../../receivers/alertmanager';
import { createCodecServer } from '../../receivers/codec/server';
import { parseListen, readSecret, UsageError } from '../context';

interface KeygenOptions {
  file: string;
  id?: string;
}

interface ServeOptions {
  keysFile?: string;
  listen: string;
  tokenFile: string;
  origin: string[];
}

/** Today's date and a random suffix: sortable, and two keys made the same day differ. */
function newKeyId(): string {
  return `${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
}

/**
 * Adds a fresh key and makes it the active one; the old keys stay so that what they encrypted
 * still decrypts. The file is written whole and renamed into place, mode 0600 from the start.
 */
function keygen(opts: KeygenOptions): string {
  const id = KeyId.parse(opts.id ?? newKeyId());
  let file: EncryptionKeysFile = { active: id, keys: {} };
  if (existsSync(opts.file)) {
    file = readEncryptionKeysFile(opts.file);
    if (id in file.keys) throw new UsageError(`${opts.file} already holds a key ${id}`);
  }
  const next = { active: id, keys: { ...file.keys, [id]: randomBytes(32).toString('base64') } };
  const staging = `${opts.file}.${process.pid}.tmp`;
  writeFileSync(staging, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(staging, 0o600);
  renameSync(staging, opts.file);
  return id;
}

export function registerCodecCommands(program: Command): void {
  const codec = program.command('codec').description(`payload encryption: keys, and a codec server for the Web UI (keys file: $${KEYS_FILE_ENV})`);
  codec
    .command('keygen')
    .description('add a new AES-256 key to a keys file and make it the active one (old keys stay, to decrypt older history)')
    .requiredOption('--file <file>', `the keys file (made with mode 0600 if missing); point $${KEYS_FILE_ENV} at it`)
    .option('--id <id>', 'the key id written beside each payload (default: today and a random suffix)')
    .action((opts: KeygenOptions) => {
      const id = keygen(opts);
      // The id only: a key is never printed.
      console.log(`added key ${id} to ${opts.file}; it encrypts new payloads from now on`);
    });
  codec
    .command('server')
    .description("run a codec server (POST /decode, /encode) so the Temporal Web UI and CLI can show Sluice's encrypted payloads")
    .option('--keys-file <file>', `the keys file (default $${KEYS_FILE_ENV})`)
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8089')
    .requiredOption('--token-file <file>', 'the bearer token every request must carry')
    .option('--origin <url...>', 'origins a browser may call from (the Web UI)', ['http://127.0.0.1:8233'])
    .action(async (opts: ServeOptions) => {
      const keysFile = opts.keysFile ?? process.env[KEYS_FILE_ENV];
      if (!keysFile) throw new UsageError(`give --keys-file or set ${KEYS_FILE_ENV}`);
      const { host, port } = parseListen(opts.listen);
      const logger = pino({ base: { component: 'codec-server' } });
      const server = createCodecServer({
        codec: new EncryptionCodec(readEncryptionKeys(keysFile)),
        bearerToken: readSecret(opts.tokenFile, 'token'),
        allowedOrigins: opts.origin,
        logger,
      });
      const bound = await listen(server, host, port);
      logger.info({ address: `${bound.address}:${bound.port}`, origins: opts.origin }, 'codec server listening');
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
