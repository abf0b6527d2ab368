/**
 * Entry module of the sandboxed child for the exercises that get no reference primitives.
 *
 * @module
 */

import { runChild } from "./child.ts";

await runChild(null);
