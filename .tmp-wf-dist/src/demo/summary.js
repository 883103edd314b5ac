"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RESTORE_BUDGET_MS = void 0;
exports.timeToDetectMs = timeToDetectMs;
exports.summaryTable = summaryTable;
const format_1 = require("../cli/render/format");
function at(e) {
    return e ? Date.parse(e.at) : undefined;
}
/**
 * Time to detect: from the candidate first receiving traffic (a weight event above 0) to the
 * decision to roll back (the phase change to rolling-back). Time to restore: the workflow's own
 * timeToRollbackMs, from that decision to the previous release serving everything again.
 */
function timeToDetectMs(events) {
    const traffic = at(events.find((e) => e.type === 'weight' && Number(e.data?.weight ?? 0) > 0));
    const decision = at(events.find((e) => e.type === 'phase' && e.data?.to === 'rolling-back'));
    return traffic !== undefined && decision !== undefined ? decision - traffic : undefined;
}
function summaryTable(releases) {
    return (0, format_1.table)(['release', 'version', 'outcome', 'reason', 'duration', 'time to detect', 'time to restore', 'web ui'], releases.map((r) => {
        const duration = Date.parse(r.result.finishedAt) - Date.parse(r.result.startedAt);
        const detect = r.result.outcome === 'rolled-back' ? timeToDetectMs(r.events) : undefined;
        return [
            r.label,
            r.result.release?.version ?? '-',
            r.result.outcome,
            r.result.reason,
            (0, format_1.formatMs)(duration),
            detect !== undefined ? (0, format_1.formatMs)(detect) : '-',
            r.result.timeToRollbackMs !== null ? (0, format_1.formatMs)(r.result.timeToRollbackMs) : '-',
            r.link,
        ];
    }));
}
/** Budget of the practice Sluice follows: roll back within five minutes. */
exports.RESTORE_BUDGET_MS = 5 * 60_000;
//# sourceMappingURL=summary.js.map