"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.startHealthServer = startHealthServer;
const node_http_1 = require("node:http");
/**
 * Health endpoints for every test release on one loopback port: GET /<imageTag>/healthz and
 * /<imageTag>/readyz answer 200, except for releases whose tag contains "bad" (503), so a spec
 * chooses a failing release by its version alone — the same in every worker process.
 */
async function startHealthServer() {
    let hits = 0;
    const server = (0, node_http_1.createServer)((req, res) => {
        hits++;
        const [, tag, path] = /^\/([^/]+)(\/.*)$/.exec(req.url ?? '') ?? [];
        if (!tag || (path !== '/healthz' && path !== '/readyz')) {
            res.writeHead(404).end();
            return;
        }
        const healthy = !tag.includes('bad');
        res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' }).end(healthy ? 'ok\n' : 'unhealthy\n');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    return {
        server,
        base: `http://127.0.0.1:${port}`,
        hits: () => hits,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}
//# sourceMappingURL=health-server.js.map