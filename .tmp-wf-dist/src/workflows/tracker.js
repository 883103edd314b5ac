"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Tracker = exports.MAX_EVENTS = void 0;
/**
 * The deployment's visible state: phase, step, weight, checks, the event log, per-phase
 * durations, and the search attributes that mirror them. Only workflow code writes it; the
 * `status` query reads it.
 */
const workflow_1 = require("@temporalio/workflow");
const search_attributes_1 = require("../domain/search-attributes");
/** Enough for a long canary; older events stay in the Temporal history, which keeps everything. */
exports.MAX_EVENTS = 200;
function iso(ms) {
    return new Date(ms).toISOString();
}
class Tracker {
    status;
    startedAtMs;
    phaseSinceMs;
    durations = {};
    constructor(spec) {
        // Workflow Date.now() is the deterministic time of the current workflow task.
        this.startedAtMs = Date.now();
        this.phaseSinceMs = this.startedAtMs;
        this.status = {
            service: spec.service,
            environment: spec.environment,
            strategy: spec.strategy.kind,
            release: null,
            previous: null,
            phase: 'pending',
            stepIndex: -1,
            stepCount: spec.strategy.kind === 'canary' ? spec.strategy.steps.length : 0,
            weight: 0,
            paused: false,
            awaitingApproval: null,
            abortRequested: null,
            lastCheck: null,
            startedAt: iso(this.startedAtMs),
            events: [],
            result: null,
        };
        (0, workflow_1.upsertSearchAttributes)([
            { key: search_attributes_1.SluiceService, value: spec.service },
            { key: search_attributes_1.SluiceEnvironment, value: spec.environment },
            { key: search_attributes_1.SluicePhase, value: 'pending' },
        ]);
    }
    get phase() {
        return this.status.phase;
    }
    now() {
        return iso(Date.now());
    }
    event(type, message, data) {
        const entry = { at: this.now(), type, message, ...(data ? { data } : {}) };
        this.status.events.push(entry);
        if (this.status.events.length > exports.MAX_EVENTS)
            this.status.events.splice(0, this.status.events.length - exports.MAX_EVENTS);
    }
    setPhase(phase, message) {
        if (phase === this.status.phase)
            return;
        const now = Date.now();
        const previous = this.status.phase;
        this.durations[previous] = (this.durations[previous] ?? 0) + (now - this.phaseSinceMs);
        this.phaseSinceMs = now;
        this.status.phase = phase;
        this.event('phase', message ?? `${previous} → ${phase}`, { from: previous, to: phase });
        (0, workflow_1.upsertSearchAttributes)([{ key: search_attributes_1.SluicePhase, value: phase }]);
    }
    /** Milliseconds per phase so far, the current one included. */
    phaseDurations() {
        const out = { ...this.durations };
        out[this.status.phase] = (out[this.status.phase] ?? 0) + (Date.now() - this.phaseSinceMs);
        return out;
    }
    setReleases(release, previous) {
        this.status.release = release;
        this.status.previous = previous;
        (0, workflow_1.upsertSearchAttributes)([{ key: search_attributes_1.SluiceVersion, value: release.version }]);
    }
    setStep(index, description) {
        this.status.stepIndex = index;
        this.event('step', `step ${index + 1}/${this.status.stepCount}: ${description}`, { index });
    }
    setWeight(weight) {
        this.status.weight = weight;
        this.event('weight', `candidate weight ${weight}%`, { weight });
    }
    recordCheck(check) {
        this.status.lastCheck = check;
        // Every failure is worth a line; successes only when they end a failure streak (keeps the log short).
        if (!check.ok)
            this.event('check', `check failed: ${check.summary}`, { consecutiveFailures: check.consecutiveFailures });
    }
}
exports.Tracker = Tracker;
//# sourceMappingURL=tracker.js.map