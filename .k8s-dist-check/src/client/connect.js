"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.connectTemporal = connectTemporal;
const client_1 = require("@temporalio/client");
const errors_1 = require("./errors");
const settings_1 = require("./settings");
/**
 * Connects eagerly, so an unreachable server fails here with the address in the message rather
 * than later with a bare gRPC "14 UNAVAILABLE".
 */
async function connectTemporal(settings) {
    const options = (0, settings_1.toConnectionOptions)(settings);
    let connection;
    try {
        connection = await client_1.Connection.connect(options);
    }
    catch (err) {
        const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
        const hint = settings.address.startsWith('127.0.0.1:') || settings.address.startsWith('localhost:') ? ' (is the embedded stack up? `sluice dev up`)' : '';
        throw new errors_1.SluiceClientError(errors_1.ClientErrorType.TemporalUnreachable, `cannot reach Temporal at ${settings.address}${settings.tls ? ' (TLS)' : ''}${hint}: ${detail}. Set --address or TEMPORAL_ADDRESS to change it.`, { cause: err });
    }
    return { connection, client: new client_1.Client({ connection, namespace: settings.namespace }) };
}
//# sourceMappingURL=connect.js.map