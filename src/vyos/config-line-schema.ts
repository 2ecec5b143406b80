/** A configuration line as a run saves it (a step's result): checked when read back. */
import { z } from 'zod';

export const configLineSchema = z.object({
  op: z.enum(['set', 'delete']),
  path: z.array(z.string()),
  value: z.string().optional(),
});
