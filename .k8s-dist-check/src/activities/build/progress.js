"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.defaultLogger = defaultLogger;
exports.currentActivity = currentActivity;
exports.activityLogger = activityLogger;
exports.throttledHeartbeat = throttledHeartbeat;
exports.keepAlive = keepAlive;
exports.cancellationSignal = cancellationSignal;
exports.followDockerStream = followDockerStream;
exports.streamError = streamError;
const activity_1 = require("@temporalio/activity");
const pino_1 = __importDefault(require("pino"));
function defaultLogger(name) {
    return (0, pino_1.default)({ name, base: undefined });
}
/** The running activity, or undefined when the function is called directly (tests, CLI). */
function currentActivity() {
    return activity_1.asyncLocalStorage.getStore();
}
/** A child logger carrying the workflow and activity ids when running inside an activity. */
function activityLogger(base, fields) {
    const ctx = currentActivity();
    const info = ctx?.info;
    return base.child({
        ...(info ? { workflowId: info.workflowExecution?.workflowId, runId: info.workflowExecution?.runId, activity: info.activityType, attempt: info.attempt } : {}),
        ...fields,
    });
}
/**
 * Heartbeats at most once per interval; Docker streams emit hundreds of lines a second and
 * every heartbeat is a server round trip.
 */
function throttledHeartbeat(intervalMs = 2000) {
    let last = 0;
    return (details) => {
        const ctx = currentActivity();
        if (!ctx)
            return;
        const now = Date.now();
        if (now - last < intervalMs)
            return;
        last = now;
        ctx.heartbeat(details);
    };
}
/**
 * Heartbeats every intervalMs until stopped, for steps that print nothing for a long time
 * (a `RUN go build` layer, a big layer upload); details() gives the latest progress.
 */
function keepAlive(details, intervalMs = 5000) {
    const ctx = currentActivity();
    if (!ctx)
        return () => undefined;
    const timer = setInterval(() => ctx.heartbeat(details()), intervalMs);
    return () => clearInterval(timer);
}
function cancellationSignal() {
    return currentActivity()?.cancellationSignal;
}
/**
 * Reads a Docker JSON-lines stream to its end, calling onEvent per line. Resolves with all
 * events; an `error` line does not reject (callers decide what a failure means), a broken
 * connection does.
 */
function followDockerStream(stream, onEvent) {
    return new Promise((resolve, reject) => {
        const events = [];
        let buf = '';
        const handle = (line) => {
            const trimmed = line.trim();
            if (!trimmed)
                return;
            let event;
            try {
                event = JSON.parse(trimmed);
            }
            catch {
                event = { stream: trimmed };
            }
            events.push(event);
            onEvent(event);
        };
        stream.on('data', (chunk) => {
            buf += chunk.toString();
            let i;
            while ((i = buf.indexOf('\n')) >= 0) {
                handle(buf.slice(0, i));
                buf = buf.slice(i + 1);
            }
        });
        stream.once('error', reject);
        stream.once('end', () => {
            handle(buf);
            resolve(events);
        });
    });
}
function streamError(events) {
    const bad = events.find((e) => e.error || e.errorDetail);
    return bad ? (bad.errorDetail?.message ?? bad.error) : undefined;
}
//# sourceMappingURL=progress.js.map