"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.buildStaticServer = buildStaticServer;
const node_child_process_1 = require("node:child_process");
const promises_1 = require("node:fs/promises");
const node_path_1 = require("node:path");
const node_util_1 = require("node:util");
const stack_1 = require("./stack");
const execFileAsync = (0, node_util_1.promisify)(node_child_process_1.execFile);
/** A tiny HTTP server: answers every path with its NAME and the path, listens on its first argument. */
const SOURCE = `package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	name := os.Getenv("NAME")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "%s %s\\n", name, r.URL.Path) })
	if err := http.ListenAndServe(os.Args[1], nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`;
/**
 * Builds (once per stack state dir) a static Linux binary for image smoke tests: no libc, so it
 * runs in a FROM scratch image.
 */
async function buildStaticServer() {
    const dir = (0, node_path_1.join)(stack_1.stack.stateDir, 'test-fixtures', 'static-server');
    const binary = (0, node_path_1.join)(dir, 'server');
    await (0, promises_1.mkdir)(dir, { recursive: true });
    await (0, promises_1.writeFile)((0, node_path_1.join)(dir, 'main.go'), SOURCE);
    await (0, promises_1.writeFile)((0, node_path_1.join)(dir, 'go.mod'), 'module example.com/staticserver\n\ngo 1.22\n');
    await execFileAsync('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', binary, '.'], {
        cwd: dir,
        env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOFLAGS: '-mod=mod' },
    });
    return binary;
}
//# sourceMappingURL=go-server.js.map