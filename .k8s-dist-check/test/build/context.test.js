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
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const promises_1 = require("node:stream/promises");
const node_test_1 = require("node:test");
const tar = __importStar(require("tar-fs"));
const context_1 = require("../../src/activities/build/context");
const helpers_1 = require("./helpers");
function listFiles(root, dir = root) {
    return (0, node_fs_1.readdirSync)(dir).flatMap((name) => {
        const path = (0, node_path_1.join)(dir, name);
        return (0, node_fs_1.statSync)(path).isDirectory() ? listFiles(root, path) : [(0, node_path_1.relative)(root, path)];
    });
}
async function packAndList(contextDir, dockerfile) {
    const out = (0, helpers_1.tempDir)('ctx-out');
    try {
        const ctx = (0, context_1.packBuildContext)(contextDir, dockerfile);
        await (0, promises_1.pipeline)(ctx.stream, tar.extract(out));
        return listFiles(out).sort();
    }
    finally {
        (0, helpers_1.removeDir)(out);
    }
}
(0, node_test_1.describe)('build context', () => {
    (0, node_test_1.it)('honours .dockerignore, exceptions included, and always sends the Dockerfile', async () => {
        const dir = (0, helpers_1.tempDir)('ctx');
        try {
            const files = ['main.go', 'main_test.go', 'README.md', 'docs/keep.md', '.git/HEAD', 'build/Dockerfile', 'vendor/a/a.go', 'logs/x.log', 'logs/keep.log'];
            for (const f of files) {
                (0, node_fs_1.mkdirSync)((0, node_path_1.join)(dir, f, '..'), { recursive: true });
                (0, node_fs_1.writeFileSync)((0, node_path_1.join)(dir, f), f);
            }
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(dir, '.dockerignore'), '# comment\n.git\n*.md\n!docs/keep.md\n*_test.go\nbuild\nlogs\n!logs/keep.log\n');
            strict_1.default.deepEqual(await packAndList(dir, 'build/Dockerfile'), ['.dockerignore', 'build/Dockerfile', 'docs/keep.md', 'logs/keep.log', 'main.go', 'vendor/a/a.go']);
        }
        finally {
            (0, helpers_1.removeDir)(dir);
        }
    });
    (0, node_test_1.it)('sends everything without a .dockerignore', async () => {
        const dir = (0, helpers_1.tempDir)('ctx-plain');
        try {
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(dir, 'Dockerfile'), 'FROM scratch\n');
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(dir, 'a.txt'), 'a');
            strict_1.default.deepEqual(await packAndList(dir), ['Dockerfile', 'a.txt']);
        }
        finally {
            (0, helpers_1.removeDir)(dir);
        }
    });
});
//# sourceMappingURL=context.test.js.map