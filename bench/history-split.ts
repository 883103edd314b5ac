/**
 * Where a workflow run's time went, read from its event history: time inside regular activities
 * (scheduled → completed), inside workflow tasks (scheduled → completed, which includes local
 * activities run in the task), and the rest (signals to other workflows, timers). The benchmarks
 * that compare a workflow with direct calls print these beside the client-side wall time, whose
 * difference with the run's own duration is the start and result round trips.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

export interface RunSplit {
  /** First event to the close event. */
  runMs: number;
  activityMs: number;
  activities: number;
  workflowTaskMs: number;
  workflowTasks: number;
  localActivities: number;
  otherMs: number;
}

function ms(event: temporal.api.history.v1.IHistoryEvent): number {
  const t = event.eventTime!;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

export async function runSplit(handle: WorkflowHandle): Promise<RunSplit> {
  const { events } = await handle.fetchHistory();
  const list = events ?? [];
  const at = new Map<number, number>();
  const split: RunSplit = { runMs: 0, activityMs: 0, activities: 0, workflowTaskMs: 0, workflowTasks: 0, localActivities: 0, otherMs: 0 };
  for (const e of list) {
    const id = Number(e.eventId);
    at.set(id, ms(e));
    switch (e.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        split.activities++;
        split.activityMs += ms(e) - at.get(Number((e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes)!.scheduledEventId))!;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        split.workflowTasks++;
        split.workflowTaskMs += ms(e) - at.get(Number(e.workflowTaskCompletedEventAttributes!.scheduledEventId))!;
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') split.localActivities++;
        break;
      default:
    }
  }
  split.runMs = list.length ? ms(list.at(-1)!) - ms(list[0]!) : 0;
  split.otherMs = split.runMs - split.activityMs - split.workflowTaskMs;
  return split;
}
