/**
 * Load activities: `generateLoad` drives traffic through the router during analysis so a quiet
 * environment still produces metrics. It heartbeats its counts every second; a retried attempt
 * continues from the last heartbeat for the remaining duration instead of starting over, and a
 * cancelled one (the analysis decided) stops at once and reports what it sent.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { LoadSpecError, runLoad } from './generator';
import type { LoadReport, LoadSpec } from './generator';
import { NotLoopbackError } from './loopback';
import { ErrorType } from '../../domain/errors';

export interface LoadActivities {
  generateLoad(spec: LoadSpec): Promise<LoadReport & { cancelled: boolean }>;
}

export function createLoadActivities(): LoadActivities {
  return {
    async generateLoad(spec) {
      const ctx = Context.current();
      const resume = ctx.info.heartbeatDetails as LoadReport | undefined;
      try {
        const report = await runLoad(spec, {
          signal: ctx.cancellationSignal,
          resume,
          onProgress: (r) => ctx.heartbeat(r),
        });
        return { ...report, cancelled: ctx.cancellationSignal.aborted };
      } catch (err) {
        if (err instanceof NotLoopbackError) throw ApplicationFailure.create({ type: ErrorType.LoadTargetNotLoopback, message: err.message, nonRetryable: true });
        if (err instanceof LoadSpecError) throw ApplicationFailure.create({ type: ErrorType.InvalidLoadSpec, message: err.message, nonRetryable: true });
        throw err;
      }
    },
  };
}

export { runLoad, checkLoadSpec, emptyReport, LOAD_LIMITS, LoadSpecError } from './generator';
export type { LoadSpec, LoadReport, RunOptions } from './generator';
export { loopbackTarget, isLoopbackAddress, NotLoopbackError } from './loopback';
export type { LoopbackTarget } from './loopback';
