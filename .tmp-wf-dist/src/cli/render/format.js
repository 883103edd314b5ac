"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.formatMs = formatMs;
exports.formatElapsed = formatElapsed;
exports.weightBar = weightBar;
exports.stepLabel = stepLabel;
exports.checkLabel = checkLabel;
exports.analysisLabel = analysisLabel;
exports.versionLabel = versionLabel;
exports.eventLine = eventLine;
exports.outcomeLabel = outcomeLabel;
exports.table = table;
/** Small formatting helpers shared by the renderers, the tables and the demo summary. */
function formatMs(ms) {
    if (ms === null || ms === undefined || !Number.isFinite(ms))
        return '-';
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    const s = ms / 1000;
    if (s < 60)
        return `${s.toFixed(1)} s`;
    const m = Math.floor(s / 60);
    return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}
function formatElapsed(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    const m = Math.floor(total / 60);
    const s = total % 60;
    return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
function weightBar(weight, width = 20) {
    const w = Math.max(0, Math.min(100, Math.round(weight)));
    const filled = Math.round((w / 100) * width);
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(w).padStart(3)}%`;
}
function stepLabel(status) {
    if (status.stepCount <= 0 || status.stepIndex < 0)
        return '';
    return `step ${Math.min(status.stepIndex + 1, status.stepCount)}/${status.stepCount}`;
}
function checkLabel(status) {
    const c = status.lastCheck;
    if (!c)
        return '';
    return `${c.ok ? 'ok' : 'FAIL'} ${c.summary}${c.consecutiveFailures ? ` (${c.consecutiveFailures} failed in a row)` : ''}`;
}
/** Latest analysis measurements, when the status carries them (canary-analysis issue). */
function analysisLabel(status) {
    const a = status.lastAnalysis;
    if (!a || typeof a !== 'object')
        return '';
    const metrics = a.metrics;
    if (Array.isArray(metrics)) {
        return metrics
            .map((m) => `${m.name ?? '?'}=${typeof m.value === 'number' ? +m.value.toPrecision(3) : String(m.value ?? '-')}${m.phase ? ` ${m.phase}` : ''}`)
            .join(', ');
    }
    return JSON.stringify(a).slice(0, 120);
}
function versionLabel(status) {
    return status.release?.version ?? '(resolving version)';
}
function eventLine(event, startedAt) {
    const rel = startedAt ? `+${formatMs(Date.parse(event.at) - Date.parse(startedAt))}` : event.at;
    return `${rel.padStart(9)}  ${event.type.padEnd(18)} ${event.message}`;
}
function outcomeLabel(result) {
    const version = result.release?.version ?? '?';
    switch (result.outcome) {
        case 'promoted':
            return `promoted ${result.service} ${version} (${result.reason})`;
        case 'rolled-back':
            return `ROLLED BACK ${result.service} ${version}: ${result.reason}${result.timeToRollbackMs !== null ? `, restored in ${formatMs(result.timeToRollbackMs)}` : ''}`;
        case 'aborted':
            return `ABORTED ${result.service} ${version}: ${result.message}`;
        case 'failed':
            return `FAILED ${result.service} ${version}: ${result.message}`;
        default:
            return String(result.outcome);
    }
}
function table(headers, rows) {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
    return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
//# sourceMappingURL=format.js.map