"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.NotLoopbackError = void 0;
exports.isLoopbackAddress = isLoopbackAddress;
exports.loopbackTarget = loopbackTarget;
/**
 * The load generator only ever sends to this machine: 127.0.0.0/8 or ::1. A typo in a spec must
 * not turn Sluice into a traffic source against someone else's service, so anything else —
 * private ranges, public hosts, names other than "localhost" — is refused before a socket opens.
 */
const node_net_1 = require("node:net");
const LOOPBACK = new node_net_1.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
class NotLoopbackError extends Error {
    constructor(message) {
        super(message);
        this.name = 'NotLoopbackError';
    }
}
exports.NotLoopbackError = NotLoopbackError;
function isLoopbackAddress(host) {
    const family = (0, node_net_1.isIP)(host);
    if (family === 4)
        return LOOPBACK.check(host, 'ipv4');
    if (family === 6)
        return LOOPBACK.check(host, 'ipv6');
    return false;
}
/** Parse and check one target URL; throws NotLoopbackError with a message a person can act on. */
function loopbackTarget(raw) {
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new NotLoopbackError(`load target ${JSON.stringify(raw)} is not a URL`);
    }
    if (url.protocol !== 'http:')
        throw new NotLoopbackError(`load target ${JSON.stringify(raw)}: only http:// is supported`);
    if (url.username || url.password)
        throw new NotLoopbackError(`load target ${JSON.stringify(raw)}: credentials in URLs are not allowed`);
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const host = hostname === 'localhost' ? '127.0.0.1' : hostname;
    if (!isLoopbackAddress(host)) {
        throw new NotLoopbackError(`load target ${JSON.stringify(raw)} is not on loopback: only 127.0.0.0/8 and ::1 (or "localhost") are allowed`);
    }
    const port = url.port ? Number(url.port) : 80;
    return { url, host, family: (0, node_net_1.isIP)(host) === 6 ? 6 : 4, port };
}
//# sourceMappingURL=loopback.js.map