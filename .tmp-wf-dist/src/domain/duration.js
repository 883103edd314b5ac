"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DURATION_PATTERN = void 0;
exports.isDuration = isDuration;
exports.toMs = toMs;
exports.formatMs = formatMs;
/**
 * Durations as people write them in sluice.yaml: "500ms", "5s", "10m", "2h".
 *
 * The format is the one src/domain/analysis.ts validates, and a subset of what Temporal's
 * `sleep()` accepts, so a spec value can go straight into a timer. This file has no
 * dependencies (no zod) because workflow code imports it and the workflow bundle stays small.
 */
exports.DURATION_PATTERN = /^(\d+)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
function isDuration(value) {
    return exports.DURATION_PATTERN.test(value);
}
/** Milliseconds in `value`; throws RangeError on anything but `<digits><ms|s|m|h>`. */
function toMs(value) {
    const match = exports.DURATION_PATTERN.exec(value);
    if (!match)
        throw new RangeError(`invalid duration ${JSON.stringify(value)}: use e.g. "500ms", "5s", "10m", "2h"`);
    return Number(match[1]) * UNIT_MS[match[2]];
}
/** "1m 5s"-style rendering for logs and status lines. */
function formatMs(ms) {
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    const s = Math.round(ms / 100) / 10;
    if (s < 60)
        return `${s}s`;
    const m = Math.floor(s / 60);
    return `${m}m ${Math.round(s - m * 60)}s`;
}
//# sourceMappingURL=duration.js.map