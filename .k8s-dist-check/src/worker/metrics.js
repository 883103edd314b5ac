"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_METRICS_PORT = void 0;
exports.createWorkerMetrics = createWorkerMetrics;
exports.activityMetricsInterceptor = activityMetricsInterceptor;
exports.serveMetrics = serveMetrics;
/**
 * The worker's Prometheus endpoint (prom-client): process metrics plus one histogram of activity
 * executions by type and outcome, so a dashboard shows how long builds, deploys and probes take
 * and how often they fail. Served on loopback only.
 */
const node_http_1 = require("node:http");
const prom_client_1 = require("prom-client");
function createWorkerMetrics() {
    const registry = new prom_client_1.Registry();
    (0, prom_client_1.collectDefaultMetrics)({ register: registry, prefix: 'sluice_worker_' });
    return {
        registry,
        activityDuration: new prom_client_1.Histogram({
            name: 'sluice_activity_duration_seconds',
            help: 'Activity execution time by activity type and outcome (ok, error, cancelled).',
            labelNames: ['activity', 'outcome'],
            buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600, 1800],
            registers: [registry],
        }),
        activityStarted: new prom_client_1.Counter({
            name: 'sluice_activity_started_total',
            help: 'Activity executions started, by activity type.',
            labelNames: ['activity'],
            registers: [registry],
        }),
    };
}
/** Activity interceptor feeding the metrics above. */
function activityMetricsInterceptor(metrics) {
    return (ctx) => {
        const inbound = {
            async execute(input, next) {
                const activity = ctx.info.activityType;
                metrics.activityStarted.inc({ activity });
                const end = metrics.activityDuration.startTimer({ activity });
                try {
                    const result = await next(input);
                    end({ outcome: 'ok' });
                    return result;
                }
                catch (err) {
                    end({ outcome: ctx.cancellationSignal.aborted ? 'cancelled' : 'error' });
                    throw err;
                }
            },
        };
        return { inbound };
    };
}
exports.DEFAULT_METRICS_PORT = 9464;
/** Starts GET /metrics on host:port (port 0 = any free port); resolves with the bound port. */
async function serveMetrics(metrics, options) {
    const host = options.host ?? '127.0.0.1';
    const server = (0, node_http_1.createServer)((req, res) => {
        if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
            metrics.registry.metrics().then((body) => {
                res.writeHead(200, { 'content-type': metrics.registry.contentType });
                res.end(body);
            }, (err) => {
                res.writeHead(500, { 'content-type': 'text/plain' });
                res.end(err.message);
            });
            return;
        }
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found; try /metrics\n');
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, host, () => resolve());
    });
    const port = server.address().port;
    return { server, port, url: `http://${host}:${port}/metrics` };
}
//# sourceMappingURL=metrics.js.map