import type { Command } from 'commander';
import { defaultApproverKeyDir, writeApproverKeyPair } from '../../client';

interface KeygenOptions {
  name: string;
  out?: string;
}

/** `sluice approver keygen`: an approver's key pair (src/client/approver-key.ts; docs/workflows.md "Who may approve"). */
export function registerApproverCommands(program: Command): void {
  const approver = program.command('approver').description('signed approvals: an approver signs with a private key, the worker checks with the public key');
  approver
    .command('keygen')
    .description('make an Ed25519 key pair for an approver: <name>.key (mode 0600, stays with the approver) and <name>.pub (for the worker)')
    .requiredOption('--name <name>', "the approver's name, as the spec's approval.approvers lists it")
    .option('--out <dir>', `where to write the pair (default ${defaultApproverKeyDir()})`)
    .addHelpText(
      'after',
      `
Examples:
  sluice approver keygen --name alice
  sluice approve checkout production --key ~/.sluice/approver/alice.key

Copy <name>.pub into the directory the worker's SLUICE_APPROVER_KEYS names; <name>.key never leaves the approver.`,
    )
    .action((opts: KeygenOptions) => {
      const { keyFile, publicFile } = writeApproverKeyPair(opts.out ?? defaultApproverKeyDir(), opts.name);
      // Paths only: the private key is never printed.
      console.log(`private key ${keyFile} (mode 0600: sign with sluice approve --key ${keyFile})`);
      console.log(`public key  ${publicFile} (copy it into the worker's SLUICE_APPROVER_KEYS directory)`);
    });
}
