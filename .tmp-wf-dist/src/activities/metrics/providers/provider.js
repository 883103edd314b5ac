"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MetricInputError = exports.MetricsErrorType = exports.ROLES = void 0;
exports.errorMessage = errorMessage;
exports.withTimeout = withTimeout;
exports.describeAbort = describeAbort;
/** Which instances of a release a query is about; the value of the `role` scrape label. */
exports.ROLES = ['stable', 'canary', 'baseline', 'preview'];
/** Failure types raised by the metric activities. */
exports.MetricsErrorType = {
    /** A template refers to an unknown variable, or a variable has characters a query cannot carry. */
    BadTemplate: 'SluiceMetricBadTemplate',
    /** The template asks a provider for something it cannot do (e.g. ranges from the web provider). */
    UnsupportedQuery: 'SluiceMetricUnsupportedQuery',
    /** No provider is registered for the query's kind. */
    UnknownProvider: 'SluiceMetricUnknownProvider',
    /** The judge rejected its input (bad condition, mismatched data). */
    JudgeFailed: 'SluiceAnalysisJudgeFailed',
    /** Scrape target registration was given bad input. */
    BadTargets: 'SluiceMetricBadTargets',
};
/** Thrown for bad input; the activities turn it into a non-retryable ApplicationFailure. */
class MetricInputError extends Error {
    type;
    constructor(type, message) {
        super(message);
        this.type = type;
        this.name = 'MetricInputError';
    }
}
exports.MetricInputError = MetricInputError;
function errorMessage(err) {
    if (err instanceof Error) {
        // fetch() hides the useful part (ECONNREFUSED, ETIMEDOUT) in `cause`.
        const cause = err.cause;
        const detail = cause instanceof Error ? `: ${cause.message}` : '';
        return `${err.message}${detail}`;
    }
    return String(err);
}
/**
 * Combine the caller's signal with the provider's own timeout; the reason says which fired so the
 * measurement records "timed out after 5000 ms" rather than a bare "aborted".
 */
function withTimeout(timeoutMs, signal) {
    const timeout = AbortSignal.timeout(timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
function describeAbort(signal, timeoutMs) {
    if (!signal.aborted)
        return undefined;
    const reason = signal.reason;
    return reason?.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : 'cancelled';
}
//# sourceMappingURL=provider.js.map