/**
 * The undo list. Each step that changes the world registers its undo *before* acting (the undo is
 * idempotent, so running it for a step that never happened is harmless), and the undos run
 * newest-first in a scope that nothing can cancel: not an abort, not a Temporal cancel request.
 */
import { ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import type { Tracker } from './tracker';

export interface Compensation {
  name: string;
  run: () => Promise<unknown>;
}

export interface CompensationReport {
  ran: string[];
  failed: { name: string; error: string }[];
}

function describe(err: unknown): string {
  let e: unknown = err;
  const parts: string[] = [];
  for (let depth = 0; e && depth < 4; depth++) {
    if (e instanceof Error) parts.push(e.message);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.filter(Boolean).join(': ') || String(err);
}

export class Saga {
  private readonly undos: Compensation[] = [];

  /** Registers an undo; call it before the step it undoes. */
  add(name: string, run: () => Promise<unknown>): void {
    this.undos.unshift({ name, run });
  }

  get pending(): readonly string[] {
    return this.undos.map((u) => u.name);
  }

  /** The release is final: nothing left to undo. */
  clear(): void {
    this.undos.length = 0;
  }

  /**
   * Runs every undo, newest first. A failing undo is recorded and the rest still run: restoring
   * the stable weight matters even when removing a canary container failed.
   */
  async compensate(tracker: Tracker): Promise<CompensationReport> {
    const report: CompensationReport = { ran: [], failed: [] };
    await CancellationScope.nonCancellable(async () => {
      while (this.undos.length > 0) {
        const undo = this.undos.shift()!;
        const started = Date.now();
        try {
          await undo.run();
          report.ran.push(undo.name);
          tracker.event('compensation', `undone: ${undo.name}`, { ms: Date.now() - started });
        } catch (err) {
          report.failed.push({ name: undo.name, error: describe(err) });
          tracker.event('compensation-failed', `undo failed: ${undo.name}: ${describe(err)}`);
        }
      }
    });
    return report;
  }
}

export { describe as describeError };

/** The innermost ApplicationFailure with a type in an error's cause chain (an activity's typed error), if any. */
export function rootApplicationFailure(err: unknown): ApplicationFailure | undefined {
  let e: unknown = err;
  let root: ApplicationFailure | undefined;
  for (let depth = 0; e && depth < 8; depth++) {
    if (e instanceof ApplicationFailure && e.type) root = e;
    e = (e as { cause?: unknown }).cause;
  }
  return root;
}
