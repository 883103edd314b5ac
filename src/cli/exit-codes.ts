import type { Outcome } from '../client';

/** Exit codes CI can act on (docs/cli.md). */
export const ExitCode = {
  Ok: 0,
  /** The release failed, the spec was invalid, or the command could not do its job. */
  Failed: 1,
  /** The release was rolled back by analysis or a health check (or an approval timeout, deadline). */
  RolledBack: 3,
  /** A person (or `temporal workflow cancel/terminate`) aborted the release. */
  Aborted: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeForOutcome(outcome: Outcome): ExitCode {
  switch (outcome) {
    case 'promoted':
      return ExitCode.Ok;
    case 'rolled-back':
      return ExitCode.RolledBack;
    case 'aborted':
      return ExitCode.Aborted;
    case 'failed':
      return ExitCode.Failed;
    default: {
      const unhandled: never = outcome;
      return unhandled;
    }
  }
}
