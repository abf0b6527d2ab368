/**
 * Entry module of the sandboxed child for `predictRnn` and `trainRnn`, which get the reference
 * primitives of `pieces.ts` (the other exercises' children never load them).
 *
 * @module
 */

import { runChild } from "./child.ts";
import { PIECES } from "./pieces.ts";

await runChild(PIECES);
