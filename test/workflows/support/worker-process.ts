/**
 * A Sluice worker with the file-target activities in its own process, so a test can SIGKILL it
 * mid-release and start another. Usage: worker-process <taskQueue> <stateDir> <healthBase>.
 */
import { runTestWorkerProcess, workerArgs } from '../../helpers/worker-process';
import { createFileTargetActivities } from './file-target';

const [taskQueue, dir, healthBase] = workerArgs('worker-process <taskQueue> <stateDir> <healthBase>', 3) as [string, string, string];
runTestWorkerProcess({ taskQueue, identity: 'wf-worker', activities: () => createFileTargetActivities({ dir, healthBase }) });
