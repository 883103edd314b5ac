"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TtyRenderer = exports.JsonRenderer = exports.PlainRenderer = void 0;
exports.createRenderer = createRenderer;
const format_1 = require("./format");
/** New events since the last update (the log is capped, so match on time + message, not index). */
class EventCursor {
    seen = new Set();
    next(status) {
        const fresh = status.events.filter((e) => !this.seen.has(`${e.at}|${e.type}|${e.message}`));
        for (const e of fresh)
            this.seen.add(`${e.at}|${e.type}|${e.message}`);
        return fresh;
    }
}
/** Plain lines: one per workflow event, for CI logs and pipes. */
class PlainRenderer {
    out;
    cursor = new EventCursor();
    constructor(out = process.stdout) {
        this.out = out;
    }
    start(info) {
        this.out.write(`workflow ${info.workflowId}\nweb ui   ${info.link}\n`);
    }
    update(event) {
        if (!event.status)
            return;
        for (const e of this.cursor.next(event.status))
            this.out.write(`${(0, format_1.eventLine)(e, event.status.startedAt)}\n`);
    }
    finish(result, link) {
        this.out.write(`${(0, format_1.outcomeLabel)(result)}\n${link}\n`);
    }
}
exports.PlainRenderer = PlainRenderer;
/** JSON lines: {"type":"started"|"status"|"result", ...}, one object per line. */
class JsonRenderer {
    out;
    constructor(out = process.stdout) {
        this.out = out;
    }
    start(info) {
        this.out.write(`${JSON.stringify({ type: 'started', ...info })}\n`);
    }
    update(event) {
        if (event.kind === 'status')
            this.out.write(`${JSON.stringify({ type: 'status', at: event.at.toISOString(), status: event.status })}\n`);
    }
    finish(result, link) {
        this.out.write(`${JSON.stringify({ type: 'result', link, result })}\n`);
    }
}
exports.JsonRenderer = JsonRenderer;
/**
 * A live block redrawn in place (phase, step, weight bar, latest check/analysis, elapsed), with
 * the event log scrolling above it. Redraws every second too, so elapsed time moves.
 */
class TtyRenderer {
    out;
    cursor = new EventCursor();
    drawn = 0;
    status;
    started = Date.now();
    timer;
    workflowId = '';
    constructor(out = process.stdout) {
        this.out = out;
    }
    start(info) {
        this.workflowId = info.workflowId;
        this.out.write(`workflow ${info.workflowId}\nweb ui   ${info.link}\n`);
        this.timer = setInterval(() => this.draw([]), 1000);
        this.timer.unref();
    }
    update(event) {
        if (!event.status)
            return;
        this.status = event.status;
        if (event.status.startedAt)
            this.started = Date.parse(event.status.startedAt);
        this.draw(this.cursor.next(event.status).map((e) => (0, format_1.eventLine)(e, event.status?.startedAt)));
    }
    finish(result, link) {
        if (this.timer)
            clearInterval(this.timer);
        this.clear();
        this.out.write(`${(0, format_1.outcomeLabel)(result)}\n${link}\n`);
    }
    clear() {
        if (this.drawn > 0)
            this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
        this.drawn = 0;
    }
    draw(newLines) {
        this.clear();
        for (const line of newLines)
            this.out.write(`${line}\n`);
        const block = this.block();
        for (const line of block)
            this.out.write(`\x1b[2K${line}\n`);
        this.drawn = block.length;
    }
    block() {
        const s = this.status;
        const elapsed = (0, format_1.formatElapsed)(Date.now() - this.started);
        if (!s)
            return [`  waiting for a worker to pick up ${this.workflowId}…  ${elapsed}`];
        const flags = [s.paused ? 'PAUSED' : '', s.awaitingApproval ? `awaiting approval: ${s.awaitingApproval.gate} (sluice approve ${s.service} ${s.environment})` : '', s.abortRequested ? `abort requested by ${s.abortRequested.by}` : '']
            .filter(Boolean)
            .join('  ');
        const lines = [
            `  ${s.service} ${(0, format_1.versionLabel)(s)} → ${s.environment}   phase ${s.phase}  ${(0, format_1.stepLabel)(s)}   elapsed ${elapsed}`,
            `  weight ${(0, format_1.weightBar)(s.weight)}`,
        ];
        const check = (0, format_1.checkLabel)(s);
        if (check)
            lines.push(`  check  ${check}`);
        const analysis = (0, format_1.analysisLabel)(s);
        if (analysis)
            lines.push(`  analysis ${analysis}`);
        if (flags)
            lines.push(`  ${flags}`);
        const width = this.out.columns ?? 120;
        return lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
    }
}
exports.TtyRenderer = TtyRenderer;
function createRenderer(output, stream = process.stdout) {
    if (output === 'json')
        return new JsonRenderer(stream);
    return stream.isTTY ? new TtyRenderer(stream) : new PlainRenderer(stream);
}
//# sourceMappingURL=progress.js.map