"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ExitCode = void 0;
exports.exitCodeForOutcome = exitCodeForOutcome;
/** Exit codes CI can act on (docs/cli.md). */
exports.ExitCode = {
    Ok: 0,
    /** The release failed, the spec was invalid, or the command could not do its job. */
    Failed: 1,
    /** The release was rolled back by analysis or a health check (or an approval timeout, deadline). */
    RolledBack: 3,
    /** A person (or `temporal workflow cancel/terminate`) aborted the release. */
    Aborted: 4,
};
function exitCodeForOutcome(outcome) {
    switch (outcome) {
        case 'promoted':
            return exports.ExitCode.Ok;
        case 'rolled-back':
            return exports.ExitCode.RolledBack;
        case 'aborted':
            return exports.ExitCode.Aborted;
        case 'failed':
            return exports.ExitCode.Failed;
        default: {
            const unhandled = outcome;
            return unhandled;
        }
    }
}
//# sourceMappingURL=exit-codes.js.map