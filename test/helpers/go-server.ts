import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stack } from './stack';

const execFileAsync = promisify(execFile);

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
export async function buildStaticServer(): Promise<string> {
  const dir = join(stack.stateDir, 'test-fixtures', 'static-server');
  const binary = join(dir, 'server');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'main.go'), SOURCE);
  await writeFile(join(dir, 'go.mod'), 'module example.com/staticserver\n\ngo 1.22\n');
  await execFileAsync('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', binary, '.'], {
    cwd: dir,
    env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOFLAGS: '-mod=mod' },
  });
  return binary;
}
