"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_http_1 = require("node:http");
const node_test_1 = require("node:test");
const prom_client_1 = require("prom-client");
const config_1 = require("../../src/dev/config");
const prometheus_sd_1 = require("../../src/lib/prometheus-sd");
const stack_1 = require("../helpers/stack");
const servers = [];
const groups = [];
(0, node_test_1.after)(async () => {
    for (const id of groups)
        await (0, prometheus_sd_1.unregisterScrapeGroup)(stack_1.stack.prometheus.targetsDir, id);
    for (const server of servers)
        server.close();
});
async function query(promql) {
    const res = await fetch(`${(0, config_1.prometheusUrl)(stack_1.stack)}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json());
    strict_1.default.equal(body.status, 'success');
    return body.data.result;
}
(0, node_test_1.test)('Prometheus scrapes a target registered while it runs, with its role labels', async () => {
    const registry = new prom_client_1.Registry();
    const marker = Math.floor(Math.random() * 1e9);
    new prom_client_1.Gauge({ name: 'sluice_smoke_marker', help: 'value chosen by the test', registers: [registry] }).set(marker);
    const port = await (0, stack_1.freePort)();
    const server = (0, node_http_1.createServer)(async (_req, res) => {
        res.setHeader('Content-Type', registry.contentType);
        res.end(await registry.metrics());
    });
    servers.push(server);
    await new Promise((r) => server.listen(port, '127.0.0.1', r));
    const service = (0, stack_1.uniqueName)('smoke');
    groups.push(service);
    await (0, prometheus_sd_1.registerScrapeGroup)(stack_1.stack.prometheus.targetsDir, {
        id: service,
        targets: [`127.0.0.1:${port}`],
        labels: { service, environment: 'test', role: 'canary' },
    });
    const sample = await (0, stack_1.eventually)('Prometheus to scrape the new target', async () => (await query(`sluice_smoke_marker{service="${service}",role="canary"}`))[0], 30000, 500);
    strict_1.default.equal(Number(sample.value[1]), marker);
    strict_1.default.equal(sample.metric.instance, `127.0.0.1:${port}`);
    // Unregistering takes it out of the active targets again.
    await (0, prometheus_sd_1.unregisterScrapeGroup)(stack_1.stack.prometheus.targetsDir, service);
    await (0, stack_1.eventually)('the target to be dropped', async () => {
        const res = await fetch(`${(0, config_1.prometheusUrl)(stack_1.stack)}/api/v1/targets?state=active`);
        const body = (await res.json());
        return body.data.activeTargets.some((t) => t.labels.service === service) ? undefined : true;
    });
});
//# sourceMappingURL=prometheus.test.js.map