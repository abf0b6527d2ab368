/**
 * Entry module of the sandboxed child for `predictRnn` and `trainRnn`, which get the reference
 * primitives of `reference_primitives.ts` (the other exercises' children never load them).
 *
 * @module
 */

import { runChild } from "./child.ts";
import { REFERENCE_PRIMITIVES } from "./reference_primitives.ts";

await runChild(REFERENCE_PRIMITIVES);
