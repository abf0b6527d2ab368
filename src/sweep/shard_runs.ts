/**
 * A sweep split over machines: shard `index` of `count` (0-based; `--shard` is read by
 * `src/cli/shard.ts`) runs the plan's runs whose position modulo `count` is `index`, so the shards
 * of one plan are disjoint, cover it, and take turns through its order (each gets a share of every
 * part of a grid).
 *
 * @module
 */

import type { Shard } from "../cli/shard.ts";

/** `shard-2-of-4`: the folder a shard writes into, under the sweep's `--out`. */
export function shardFolderName(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}`;
}

/** Whether `index` (a run's position in the plan) belongs to `shard`. */
export function inShard(index: number, shard: Shard | undefined): boolean {
  return shard === undefined || index % shard.count === shard.index;
}
