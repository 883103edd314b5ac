import { Client, Connection } from '@temporalio/client';
import { SluiceClientError } from './errors';
import { toConnectionOptions, type ConnectionSettings } from './settings';
import { ErrorType } from '../domain/errors';
import { dataConverterFromEnv } from '../lib/payload-encryption';

/**
 * Connects eagerly, so an unreachable server fails here with the address in the message rather
 * than later with a bare gRPC "14 UNAVAILABLE".
 */
export async function connectTemporal(settings: ConnectionSettings): Promise<{ connection: Connection; client: Client }> {
  const options = toConnectionOptions(settings);
  let connection: Connection;
  try {
    connection = await Connection.connect(options);
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const hint = settings.address.startsWith('127.0.0.1:') || settings.address.startsWith('localhost:') ? ' (is the embedded stack up? `sluice dev up`)' : '';
    throw new SluiceClientError(
      ErrorType.TemporalUnreachable,
      `cannot reach Temporal at ${settings.address}${settings.tls ? ' (TLS)' : ''}${hint}: ${detail}. Set --address or TEMPORAL_ADDRESS to change it.`,
      { cause: err },
    );
  }
  // Payload encryption, when SLUICE_CODEC_KEYS_FILE names a keys file (the worker reads the same).
  const dataConverter = dataConverterFromEnv(process.env);
  return { connection, client: new Client({ connection, namespace: settings.namespace, ...(dataConverter ? { dataConverter } : {}) }) };
}
