/**
 * The chapter's `label.T.reshape((-1,))` (In [17]): a minibatch's batch × steps index matrix read
 * step after step, so entry `t * batch + b` is step t of sequence b. The outputs of every step
 * stacked (`nd.concat(*outputs, dim=0)`) have their rows in the same order.
 *
 * @module
 */

/** `rows.T.reshape(-1)`: a batch × steps index matrix step-major, entry `t * batch + b` = `rows[b][t]`. */
export function stepMajor(rows: readonly (readonly number[])[]): Int32Array {
  const batch = rows.length;
  const steps = rows[0]?.length ?? 0;
  const out = new Int32Array(batch * steps);
  for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) out[t * batch + b] = rows[b][t];
  return out;
}
