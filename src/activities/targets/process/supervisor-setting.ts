import { z } from 'zod';

/**
 * Which runner runs the process target's instances: `target.settings.supervisor`, else the
 * worker's (or a host agent's) AdapterConfig.processSupervisor, else pid files.
 */
export const ProcessSupervisor = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('supervisord'),
    /** supervisord's XML-RPC unix socket (default: the one AdapterConfig.processSupervisor names). */
    socket: z.string().min(1).optional(),
    /** Its include directory (default: `programs/` beside the socket's `run/` directory, as src/lib/supervisord-instance.ts lays it out). */
    programsDir: z.string().min(1).optional(),
  }),
  z.object({ kind: z.literal('pidfile') }),
]);
export type ProcessSupervisor = z.infer<typeof ProcessSupervisor>;
