/**
 * PromQL for the metrics every Go service built on client_golang's promhttp exposes, as the
 * example service (examples/go-service) does:
 *   http_requests_total{code, handler}                       counter
 *   http_request_duration_seconds_bucket{code, handler, le}  histogram
 * plus the scrape labels Sluice adds through file service discovery: service, environment,
 * role (stable | canary | baseline | preview) and version.
 *
 * Health and readiness probes are left out: they always answer 200 quickly and would dilute a
 * regression in the real traffic. A service without a `handler` label still matches (`!~` on a
 * missing label compares against "").
 */
const SELECTOR = 'service="{{service}}",environment="{{environment}}",role="{{role}}",handler!~"healthz|readyz"';

export const REQUESTS_METRIC = 'http_requests_total';
export const LATENCY_METRIC = 'http_request_duration_seconds';

/**
 * Share of 5xx answers over the window. `or vector(0)`: with no error yet there is no 5xx series
 * at all, and an empty numerator would make the whole ratio "no data". With no traffic at all
 * the denominator is empty → no data (inconclusive), never a pass.
 */
export const ERROR_RATE_QUERY = `(sum(rate(${REQUESTS_METRIC}{${SELECTOR},code=~"5.."}[{{window}}])) or vector(0))` + ` / sum(rate(${REQUESTS_METRIC}{${SELECTOR}}[{{window}}]))`;

/** p99 latency in seconds from the histogram; NaN (no requests in the window) is no data. */
export const LATENCY_P99_QUERY = `histogram_quantile(0.99, sum by (le) (rate(${LATENCY_METRIC}_bucket{${SELECTOR}}[{{window}}])))`;

/** Mean latency in seconds; steadier than p99 for short Kayenta steps. */
export const LATENCY_MEAN_QUERY = `sum(rate(${LATENCY_METRIC}_sum{${SELECTOR}}[{{window}}])) / sum(rate(${LATENCY_METRIC}_count{${SELECTOR}}[{{window}}]))`;

/** Cumulative requests by status code, for the sequential count judge. */
export const REQUESTS_BY_CODE_QUERY = `sum by (code) (${REQUESTS_METRIC}{${SELECTOR}})`;

/** Cumulative histogram buckets, for the sequential latency judge. */
export const LATENCY_BUCKETS_QUERY = `sum by (le) (${LATENCY_METRIC}_bucket{${SELECTOR}})`;

/** The query a sequential metric uses when its template names none. */
export function defaultSequentialQuery(kind: 'count' | 'latency'): string {
  return kind === 'count' ? REQUESTS_BY_CODE_QUERY : LATENCY_BUCKETS_QUERY;
}
