"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.loadRegistryCredentials = loadRegistryCredentials;
exports.dockerAuthConfig = dockerAuthConfig;
const node_fs_1 = require("node:fs");
const zod_1 = require("zod");
const errors_1 = require("../build/errors");
const plainFileSchema = zod_1.z.object({ username: zod_1.z.string().min(1), password: zod_1.z.string() });
const dockerConfigSchema = zod_1.z.object({
    auths: zod_1.z.record(zod_1.z.string(), zod_1.z.object({ auth: zod_1.z.string().optional(), username: zod_1.z.string().optional(), password: zod_1.z.string().optional() })),
});
function fromDockerConfig(config, registryHost) {
    const entry = Object.entries(config.auths).find(([key]) => key.replace(/^https?:\/\//, '').replace(/\/.*$/, '') === registryHost)?.[1];
    if (!entry)
        return undefined;
    if (entry.username && entry.password !== undefined)
        return { username: entry.username, password: entry.password };
    if (!entry.auth)
        return undefined;
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    return sep > 0 ? { username: decoded.slice(0, sep), password: decoded.slice(sep + 1) } : undefined;
}
function loadRegistryCredentials(registryHost, env = process.env) {
    const username = env.SLUICE_REGISTRY_USERNAME;
    const password = env.SLUICE_REGISTRY_PASSWORD;
    if (username && password !== undefined)
        return { username, password };
    const file = env.SLUICE_REGISTRY_AUTH_FILE;
    if (!file)
        return undefined;
    let parsed;
    try {
        parsed = JSON.parse((0, node_fs_1.readFileSync)(file, 'utf8'));
    }
    catch (err) {
        // The message names the file, never its content.
        throw (0, errors_1.badInput)(errors_1.BuildErrorType.RegistryAuth, `SLUICE_REGISTRY_AUTH_FILE ${file} is not readable JSON (${err.code ?? 'parse error'})`);
    }
    const plain = plainFileSchema.safeParse(parsed);
    if (plain.success)
        return plain.data;
    const docker = dockerConfigSchema.safeParse(parsed);
    if (docker.success)
        return fromDockerConfig(docker.data, registryHost);
    throw (0, errors_1.badInput)(errors_1.BuildErrorType.RegistryAuth, `SLUICE_REGISTRY_AUTH_FILE ${file} has neither {username,password} nor a Docker "auths" map`);
}
/** The X-Registry-Auth payload for dockerd. dockerd 20.10 wants the header even when empty. */
function dockerAuthConfig(registryHost, creds) {
    return creds ? { username: creds.username, password: creds.password, serveraddress: registryHost } : {};
}
//# sourceMappingURL=credentials.js.map