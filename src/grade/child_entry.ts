/**
 * Entry module of the sandboxed child for the exercises that are handed no primitives.
 *
 * @module
 */

import { runChild } from "./child.ts";

await runChild(null);
