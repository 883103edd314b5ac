import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Headless Chromium as the browser tests run it: Debian's build, no background traffic of its own. */
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh browser profile (its own cookies); `close` ends the browser and removes the profile. */
export async function launchChromium(viewport = { width: 1400, height: 1000 }): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS, viewport });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * When the suite runs against the cluster (scripts/test.sh with SLUICE_TEST_TEMPORAL=cluster),
 * every payload is encrypted and the Web UI decodes through the run's codec server. Signs this
 * browser in there, as a person allowed to read payloads does, so the pages show them in the
 * clear. On the dev server there is nothing to do.
 */
export async function signInToSuiteCodec(context: BrowserContext): Promise<void> {
  const endpoint = process.env.SLUICE_UI_CODEC_ENDPOINT;
  const tokenFile = process.env.SLUICE_TEST_CODEC_TOKEN_FILE;
  if (!endpoint || !tokenFile) return;
  // The context's request API shares its cookies: the session cookie lands in the browser.
  const answer = await context.request.post(`${endpoint}/login`, { form: { token: readFileSync(tokenFile, 'utf8').trim() } });
  if (answer.status() !== 200) throw new Error(`signing in at the suite's codec server ${endpoint} answered ${answer.status()}`);
}
