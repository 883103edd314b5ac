"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.packBuildContext = packBuildContext;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const dockerignore_1 = __importDefault(require("@balena/dockerignore"));
const tar = __importStar(require("tar-fs"));
const errors_1 = require("./errors");
/**
 * Packs contextDir as a tar stream the way `docker build` does: `.dockerignore` patterns
 * (exceptions included) decide what is sent, and the Dockerfile and .dockerignore are always
 * sent. The stream is lazy, so nothing is copied to disk.
 */
function packBuildContext(contextDir, dockerfile = 'Dockerfile') {
    const root = (0, node_path_1.resolve)(contextDir);
    if (!(0, node_fs_1.existsSync)(root) || !(0, node_fs_1.statSync)(root).isDirectory()) {
        throw (0, errors_1.badInput)(errors_1.BuildErrorType.InvalidInput, `build context ${contextDir} is not a directory`);
    }
    const dockerfilePath = (0, node_path_1.resolve)(root, dockerfile);
    const rel = (0, node_path_1.relative)(root, dockerfilePath);
    if (rel.startsWith('..') || (0, node_path_1.isAbsolute)(rel)) {
        throw (0, errors_1.badInput)(errors_1.BuildErrorType.InvalidInput, `Dockerfile ${dockerfile} must be inside the build context ${contextDir}`);
    }
    if (!(0, node_fs_1.existsSync)(dockerfilePath) || !(0, node_fs_1.statSync)(dockerfilePath).isFile()) {
        throw (0, errors_1.badInput)(errors_1.BuildErrorType.MissingDockerfile, `no Dockerfile at ${dockerfilePath}; add one or pass dockerfile relative to ${contextDir}`);
    }
    const dockerfileRel = rel.split(node_path_1.sep).join('/');
    const ignoreFile = (0, node_path_1.resolve)(root, '.dockerignore');
    const patterns = (0, node_fs_1.existsSync)(ignoreFile)
        ? (0, node_fs_1.readFileSync)(ignoreFile, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
        : [];
    const ig = (0, dockerignore_1.default)({ ignorecase: false }).add(patterns);
    // With "!" exceptions an excluded directory may still hold included files, so directories
    // are then walked and only files are judged (as the Docker CLI does).
    const hasExceptions = patterns.some((p) => p.startsWith('!'));
    const alwaysSent = new Set([dockerfileRel, '.dockerignore']);
    const stream = tar.pack(root, {
        ignore: (name) => {
            const relName = (0, node_path_1.relative)(root, name).split(node_path_1.sep).join('/');
            if (relName === '' || alwaysSent.has(relName))
                return false;
            if (hasExceptions) {
                try {
                    if ((0, node_fs_1.statSync)(name).isDirectory())
                        return false;
                }
                catch {
                    return true;
                }
            }
            return ig.ignores(relName);
        },
        // Owner and mtimes of the host are not part of the image's identity.
        map: (header) => ({ ...header, uid: 0, gid: 0, uname: 'root', gname: 'root' }),
    });
    // tar-fs 3 returns a streamx stream: pipe-compatible, which is all docker-modem needs.
    return { stream: stream, dockerfile: dockerfileRel };
}
//# sourceMappingURL=context.js.map