import type { Command } from 'commander';
import pino from 'pino';
import { connectTemporal } from '../../client';
import { createReceiver, listen, temporalReleases, WEBHOOK_PATH, type ReceiverCredentials } from '../../receivers/alertmanager';
import { addConnectionOptions, connectionSettings, parseListen, readSecret, UsageError, type ConnectionCliOptions } from '../context';

interface ReceiveOptions extends ConnectionCliOptions {
  listen: string;
  tokenFile?: string;
  basicAuthFile?: string;
}

function credentialsFrom(opts: ReceiveOptions): ReceiverCredentials {
  const credentials: ReceiverCredentials = {};
  if (opts.tokenFile) credentials.bearerToken = readSecret(opts.tokenFile, 'token');
  if (opts.basicAuthFile) {
    const line = readSecret(opts.basicAuthFile, 'basic auth');
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`the basic auth file ${opts.basicAuthFile} must hold one line "user:password"`);
    credentials.basic = { username: line.slice(0, colon), password: line.slice(colon + 1) };
  }
  if (!credentials.bearerToken && !credentials.basic)
    throw new UsageError('give --token-file or --basic-auth-file: Alertmanager does not sign its webhooks, so the receiver needs credentials');
  return credentials;
}

export function registerAlertsCommands(program: Command): void {
  const alerts = program.command('alerts').description('Alertmanager integration: roll back a baking release when its alert fires');
  const receive = alerts
    .command('receive')
    .description(`run the Alertmanager webhook receiver (POST ${WEBHOOK_PATH}, payload version 4): signals the baking release deploy/<service>/<environment> of each firing alert`)
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:9096')
    .option('--token-file <file>', 'bearer token Alertmanager sends (its http_config.authorization.credentials_file)')
    .option('--basic-auth-file <file>', 'one line "user:password" Alertmanager sends as basic auth');
  addConnectionOptions(receive);
  receive.addHelpText(
    'after',
    `
Examples:
  sluice alerts receive --listen 127.0.0.1:9096 --token-file /etc/sluice/alert-token

Alertmanager receiver (alertmanager.yml):
  - name: sluice
    webhook_configs:
      - url: http://127.0.0.1:9096${WEBHOOK_PATH}
        send_resolved: false
        http_config: { authorization: { credentials_file: /etc/sluice/alert-token } }
`,
  );
  receive.action(async (opts: ReceiveOptions) => {
    const { host, port } = parseListen(opts.listen);
    const credentials = credentialsFrom(opts);
    const settings = connectionSettings(opts);
    const logger = pino({ base: { component: 'alert-receiver' } });
    const server = createReceiver({ credentials, releases: temporalReleases(async () => (await connectTemporal(settings)).client), logger });
    const bound = await listen(server, host, port);
    logger.info({ address: `${bound.address}:${bound.port}`, path: WEBHOOK_PATH, temporal: settings.address, namespace: settings.namespace }, 'alert receiver listening');
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}
