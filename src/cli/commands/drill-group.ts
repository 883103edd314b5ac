import type { Command } from 'commander';

/**
 * The `sluice drill` command group. `drill run` and the schedule commands live in separate files
 * (src/cli/commands/drill-*.ts); each asks for the group here, so whichever registers first creates
 * it and the others add to it.
 */
export function drillGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'drill') ??
    program.command('drill').description('rollback drills: break the live version on purpose or roll back and forth, and time the recovery (docs/drills.md)')
  );
}
