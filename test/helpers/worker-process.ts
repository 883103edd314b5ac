/**
 * The body every test worker process shares: a Temporal runtime, a connection to the stack, one
 * worker on the test's task queue that hands its workflows on quickly once it is gone (sticky
 * timeout 1 s), payload encryption when SLUICE_CODEC_KEYS_FILE is set, `ready` on stdout, and a non-zero exit on any start error. Each entry point only
 * says which activities its worker runs, so a test can SIGKILL one mid-release and start another.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadStackConfig, temporalConnectionOptions, type StackConfig } from '../../src/dev/config';
import { dataConverterFromEnv } from '../../src/lib/payload-encryption';
import { createWorker } from '../../src/worker/worker';

export interface TestWorkerSpec {
  taskQueue: string;
  /** Worker identity prefix; the pid is appended (tests read identities from histories). */
  identity: string;
  activities: (config: StackConfig) => object;
}

export function runTestWorkerProcess(spec: TestWorkerSpec): void {
  const main = async (): Promise<void> => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const config = loadStackConfig();
    const connection = await NativeConnection.connect(temporalConnectionOptions(config));
    const worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: spec.taskQueue,
      activities: spec.activities(config),
      identity: `${spec.identity}-${process.pid}`,
      overrides: { stickyQueueScheduleToStartTimeout: '1s' },
      // Payload encryption as the production worker does it, when the test names a keys file.
      dataConverter: dataConverterFromEnv(process.env),
    });
    process.stdout.write('ready\n');
    await worker.run();
  };
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

/** The command-line arguments after the script, or a usage error naming them. */
export function workerArgs(usage: string, count: number): string[] {
  const args = process.argv.slice(2);
  if (args.length < count || args.slice(0, count).some((a) => !a)) throw new Error(`usage: ${usage}`);
  return args;
}
