/**
 * The catalogue of the chapter's mistakes: what students really get wrong in each cell, each as a
 * one-line change of the staff solution (`../staff_solution.ts`), with the chapter's line it
 * concerns and what to do about it.
 *
 * The grader runs every mistake on its exercise's cases once (`table.ts`), and when a student's
 * case fails, names the mistake whose output the student's matches (`diagnose.ts`). A mistake's
 * `line` is a line of the staff solution as it is there, less its indentation (it must occur once);
 * `becomes` is what it becomes (`""` leaves it out). Which exercises a mistake touches follows from
 * where the line is (`mutants.ts`). `test/grade_mistakes_test.ts` checks each entry against the
 * staff solution and the chapter, and that no two mistakes give the same outputs.
 *
 * @module
 */

/** One mistake of the catalogue. */
export interface Mistake {
  /** A stable id: `<exercise>/<what>`. */
  id: string;
  /** What the mistake is, in a few words. */
  name: string;
  /** The chapter's cell it concerns: `In [17]`. */
  cell: string;
  /** The line of that cell it concerns, as the chapter prints it (trimmed). */
  chapterLine: string;
  /** What to do about it, in one or two sentences. */
  advice: string;
  /** The staff solution's line it changes, as written there less its indentation. */
  line: string;
  /** What that line becomes; `""` leaves it out. */
  becomes: string;
}

/** The catalogue, by exercise in grading order. */
export const MISTAKES: readonly Mistake[] = [
  // In [6] data_iter_random
  {
    id: "dataIterRandom/no-minus-one",
    name: "num_examples without the − 1",
    cell: "In [6]",
    chapterLine: "num_examples = (len(corpus_indices) - 1) // num_steps",
    advice: "The last example needs one character more for its label: there are " +
      "(len(corpus_indices) - 1) // num_steps examples. Without the − 1 the list you shuffle is " +
      "one longer whenever the length is a multiple of num_steps, and every batch changes.",
    line: "const numExamples = Math.floor((corpusIndices.length - 1) / numSteps);",
    becomes: "const numExamples = Math.floor(corpusIndices.length / numSteps);",
  },
  {
    id: "dataIterRandom/batch-start",
    name: "batch i starts at example i instead of i × batch_size",
    cell: "In [6]",
    chapterLine: "i = i * batch_size",
    advice: "The chapter reuses its loop variable: i = i * batch_size makes batch i take the " +
      "shuffled examples i × batch_size to (i + 1) × batch_size − 1. Starting at i makes the " +
      "batches overlap.",
    line: "const start = i * batchSize;",
    becomes: "const start = i;",
  },
  {
    id: "dataIterRandom/no-shuffle",
    name: "the example indices are not shuffled",
    cell: "In [6]",
    chapterLine: "random.shuffle(example_indices)",
    advice: "Shuffle the list of example indices with the rng you are given, rng.shuffle(list), " +
      "once per call and before cutting it into batches: it is Python's random.shuffle.",
    line: "rng.shuffle(exampleIndices);",
    becomes: "",
  },
  {
    id: "dataIterRandom/float32",
    name: "float32 batches instead of int32",
    cell: "In [6]",
    chapterLine: "data = nd.array(",
    advice: "MXNet's nd.array makes float32, hence the chapter's 6. and 7.; the batches are " +
      'indices, and the contract asks for int32: tf.tensor2d(rows, undefined, "int32").',
    line: 'const rows = (starts: number[]) => tf.tensor2d(starts.map(data), undefined, "int32");',
    becomes:
      'const rows = (starts: number[]) => tf.tensor2d(starts.map(data), undefined, "float32");',
  },
  {
    id: "dataIterRandom/label-next-example",
    name: "the label is the next example, not the example shifted by one",
    cell: "In [6]",
    chapterLine: "[_data(j * num_steps + 1) for j in batch_indices], ctx=ctx)",
    advice: "Each label character is the character after its data character: the label of " +
      "example j starts at j * num_steps + 1, one character later, not num_steps later.",
    line: "yield [rows(starts), rows(starts.map((s) => s + 1))];",
    becomes: "yield [rows(starts), rows(starts.map((s) => s + numSteps))];",
  },
  {
    id: "dataIterRandom/epoch-size-rounded-up",
    name: "epoch_size rounded up, so the last batch is short",
    cell: "In [6]",
    chapterLine: "epoch_size = num_examples // batch_size",
    advice: "epoch_size = num_examples // batch_size rounds down: the examples left over are " +
      "dropped, so that every batch has batch_size rows.",
    line: "const epochSize = Math.floor(numExamples / batchSize);",
    becomes: "const epochSize = Math.ceil(numExamples / batchSize);",
  },
  // In [8] data_iter_consecutive
  {
    id: "dataIterConsecutive/no-minus-one",
    name: "epoch_size without the − 1",
    cell: "In [8]",
    chapterLine: "epoch_size = (batch_len - 1) // num_steps",
    advice: "The label of a batch reaches one column further than its data: epoch_size = " +
      "(batch_len - 1) // num_steps, or the last label runs past the end of the rows.",
    line: "const epochSize = Math.floor((batchLen - 1) / numSteps);",
    becomes: "const epochSize = Math.floor(batchLen / numSteps);",
  },
  {
    id: "dataIterConsecutive/step-start",
    name: "batch i starts at column i instead of i × num_steps",
    cell: "In [8]",
    chapterLine: "i = i * num_steps",
    advice: "The chapter reuses its loop variable: i = i * num_steps makes batch i the columns " +
      "i × num_steps to (i + 1) × num_steps − 1. Starting at column i makes the batches overlap.",
    line: "const t = i * numSteps;",
    becomes: "const t = i;",
  },
  {
    id: "dataIterConsecutive/rows-interleaved",
    name: "the rows deal the text out (batch_len × batch_size, transposed)",
    cell: "In [8]",
    chapterLine: "indices = corpus_indices[0: batch_size * batch_len].reshape((",
    advice: "Row b must be one stretch of the text, characters b × batch_len to (b + 1) × " +
      "batch_len − 1: reshape to (batch_size, batch_len). Reshaping to (batch_len, batch_size) " +
      "and transposing deals the characters out like cards, so no row continues the text.",
    line: "const row = (b: number) => corpusIndices.slice(b * batchLen, (b + 1) * batchLen);",
    becomes: "const row = (b: number) => corpusIndices.slice(0, batchSize * batchLen)" +
      ".filter((_, k) => k % batchSize === b);",
  },
  {
    id: "dataIterConsecutive/float32",
    name: "float32 batches instead of int32",
    cell: "In [8]",
    chapterLine: "corpus_indices = nd.array(corpus_indices, ctx=ctx)",
    advice: "MXNet's nd.array makes float32; the batches are indices, and the contract asks for " +
      'int32: tf.tensor2d(rows, undefined, "int32").',
    line: 'const int32 = (x: number[][]) => tf.tensor2d(x, undefined, "int32");',
    becomes: 'const int32 = (x: number[][]) => tf.tensor2d(x, undefined, "float32");',
  },
  // In [11] get_inputs
  {
    id: "getInputs/rows-not-steps",
    name: "one-hot of the rows (examples) instead of the columns (time steps)",
    cell: "In [11]",
    chapterLine: "return [nd.one_hot(X, vocab_size) for X in data.T]",
    advice:
      "rnn takes one input per time step, and a time step is a column of data: iterate over " +
      "data.T (tf.unstack(data.transpose())), giving num_steps matrices of batch_size × vocab_size.",
    line: "const steps = tf.unstack(data.transpose()) as tf.Tensor1D[];",
    becomes: "const steps = tf.unstack(data) as tf.Tensor1D[];",
  },
  {
    id: "getInputs/int32",
    name: "int32 one-hot vectors instead of float32",
    cell: "In [11]",
    chapterLine: "return [nd.one_hot(X, vocab_size) for X in data.T]",
    advice: "MXNet's nd.one_hot gives float32, tfjs's tf.oneHot int32: convert with .toFloat(), " +
      "as the matrix products of rnn need float32 inputs.",
    line: "return steps.map((x) => tf.oneHot(x, vocabSize).toFloat() as tf.Tensor2D);",
    becomes: "return steps.map((x) => tf.oneHot(x, vocabSize) as tf.Tensor2D);",
  },
  // In [13] rnn
  {
    id: "rnn/sigmoid",
    name: "sigmoid instead of tanh",
    cell: "In [13]",
    chapterLine: "H = nd.tanh(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)",
    advice: "The chapter's activation is the hyperbolic tangent, with values in [−1, 1]: tf.tanh.",
    line: "h = tf.tanh(tf.matMul(x, wXh).add(recurrent).add(bH));",
    becomes: "h = tf.sigmoid(tf.matMul(x, wXh).add(recurrent).add(bH));",
  },
  {
    id: "rnn/relu",
    name: "ReLU instead of tanh",
    cell: "In [13]",
    chapterLine: "H = nd.tanh(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)",
    advice: "The chapter's activation is the hyperbolic tangent, with values in [−1, 1]: tf.tanh.",
    line: "h = tf.tanh(tf.matMul(x, wXh).add(recurrent).add(bH));",
    becomes: "h = tf.relu(tf.matMul(x, wXh).add(recurrent).add(bH));",
  },
  {
    id: "rnn/w-hh-transposed",
    name: "W_hh used transposed (H W_hhᵀ)",
    cell: "In [13]",
    chapterLine: "H = nd.tanh(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)",
    advice: "The recurrent term is nd.dot(H, W_hh), H (batch_size × hidden_dim) times W_hh as it " +
      "is: tf.matMul(h, wHh). W_hh is square, so the transposed product has the right shape and " +
      "only the values tell.",
    line: "const recurrent = tf.matMul(h, wHh);",
    becomes: "const recurrent = tf.matMul(h, wHh, false, true);",
  },
  {
    id: "rnn/no-b-h",
    name: "the hidden bias b_h left out",
    cell: "In [13]",
    chapterLine: "H = nd.tanh(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)",
    advice: "Add b_h inside the tanh, broadcast over the batch: tanh(X W_xh + H W_hh + b_h).",
    line: "h = tf.tanh(tf.matMul(x, wXh).add(recurrent).add(bH));",
    becomes: "h = tf.tanh(tf.matMul(x, wXh).add(recurrent));",
  },
  {
    id: "rnn/no-b-y",
    name: "the output bias b_y left out",
    cell: "In [13]",
    chapterLine: "Y = nd.dot(H, W_hy) + b_y",
    advice: "Every output adds b_y, broadcast over the batch: Y = H W_hy + b_y.",
    line: "outputs.push(tf.matMul(h, wHy).add(bY));",
    becomes: "outputs.push(tf.matMul(h, wHy));",
  },
  {
    id: "rnn/state-not-carried",
    name: "every step starts from the initial state",
    cell: "In [13]",
    chapterLine: "H = nd.tanh(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)",
    advice: "H is the state carried from step to step: each step uses the H of the step before " +
      "(H = state only before the loop), not the state the function was given.",
    line: "const recurrent = tf.matMul(h, wHh);",
    becomes: "const recurrent = tf.matMul(state, wHh);",
  },
  {
    id: "rnn/returns-initial-state",
    name: "returns the state it was given instead of the last H",
    cell: "In [13]",
    chapterLine: "return (outputs, H)",
    advice: "Return the last hidden state, the H after the last step: the consecutive sampler " +
      "carries it into the next batch.",
    line: "return [outputs, h];",
    becomes: "return [outputs, state];",
  },
  // In [16] grad_clipping
  {
    id: "gradClipping/per-tensor",
    name: "each gradient clipped by its own norm",
    cell: "In [16]",
    chapterLine: "norm += nd.sum(p.grad ** 2)",
    advice: "The norm is over all the gradients together, as if concatenated into one vector g: " +
      "sum the squares of every gradient, take one square root, and scale all of them by the " +
      "same θ / ‖g‖.",
    line: "return norm > theta ? grads.map((g) => g.mul(theta / norm)) : grads;",
    becomes: "return grads.map((g) => { const n = Math.sqrt(g.square().sum().arraySync() as " +
      "number); return n > theta ? g.mul(theta / n) : g; });",
  },
  {
    id: "gradClipping/per-element",
    name: "each element clipped to [−θ, θ]",
    cell: "In [16]",
    chapterLine: "p.grad[:] *= theta / norm",
    advice: "Clipping by the norm rescales the whole gradient, keeping its direction; clipping " +
      "each element to [−θ, θ] (clipByValue) changes the direction. Scale by θ / ‖g‖.",
    line: "return norm > theta ? grads.map((g) => g.mul(theta / norm)) : grads;",
    becomes: "return grads.map((g) => tf.clipByValue(g, -theta, theta));",
  },
  {
    id: "gradClipping/always-scales",
    name: "the gradients scaled even when the norm is below θ",
    cell: "In [16]",
    chapterLine: "if norm > theta:",
    advice: "g = min(θ / ‖g‖, 1) g: scale only when the norm exceeds θ; below it the gradients " +
      "stay as they are (scaling them up would enlarge small steps).",
    line: "return norm > theta ? grads.map((g) => g.mul(theta / norm)) : grads;",
    becomes: "return grads.map((g) => g.mul(theta / norm));",
  },
  {
    id: "gradClipping/no-sqrt",
    name: "the squared norm instead of the norm",
    cell: "In [16]",
    chapterLine: "norm = nd.sqrt(norm).asscalar()",
    advice: "‖g‖ is the square root of the sum of squares: take nd.sqrt (Math.sqrt) of the sum " +
      "before comparing it with θ.",
    line: "const norm = Math.sqrt(squares);",
    becomes: "const norm = squares;",
  },
  // In [15] predict_rnn
  {
    id: "predictRnn/no-lower-case",
    name: "the prefix is not lower-cased",
    cell: "In [15]",
    chapterLine: "prefix = prefix.lower()",
    advice: "The corpus's letters were lower-cased when the vocabulary was built: lower-case the " +
      "prefix first (prefix.toLowerCase()), or its upper-case letters are not in char_to_idx.",
    line: "const chars = Array.from(prefix.toLowerCase());",
    becomes: "const chars = Array.from(prefix);",
  },
  {
    id: "predictRnn/prefix-without-state",
    name: "the prefix is fed without updating the state",
    cell: "In [15]",
    chapterLine: "Y, state_h = rnn(get_inputs(X), state_h, *params)",
    advice: "Feeding the prefix is what conditions the prediction on it: keep the state rnn " +
      "returns at every step, inside the prefix too.",
    line: "state = next;",
    becomes: "if (i >= chars.length - 1) state = next;",
  },
  {
    id: "predictRnn/argmax-in-prefix",
    name: "the argmax is fed back inside the prefix too",
    cell: "In [15]",
    chapterLine: "if i < len(prefix)-1:",
    advice: "While still inside the prefix, the next input is the prefix's next character, " +
      "char_to_idx[prefix[i+1]]; the argmax of the output is fed back only after the prefix.",
    line: "const nextInput = i < chars.length - 1 ? charToIdx.get(chars[i + 1])! : argmax(y[0]);",
    becomes: "const nextInput = argmax(y[0]);",
  },
  {
    id: "predictRnn/one-step-short",
    name: "one step too few: num_chars + len(prefix) − 1",
    cell: "In [15]",
    chapterLine: "for i in range(num_chars + len(prefix)):",
    advice: "The loop runs num_chars + len(prefix) times, and the output starts with the " +
      "prefix's first character: len(prefix) + num_chars + 1 characters in all.",
    line: "for (let i = 0; i < numChars + chars.length; i++) {",
    becomes: "for (let i = 0; i < numChars + chars.length - 1; i++) {",
  },
  // In [17] perplexity
  {
    id: "perplexity/mean-of-exp",
    name: "the mean of the exponentials instead of the exponential of the mean",
    cell: "In [17]",
    chapterLine: "exp(train_loss/num_examples)))",
    advice: "The perplexity is exp of the mean cross-entropy, exp(Σ loss / N); the mean of " +
      "exp(loss) is larger (Jensen's inequality) and is not the chapter's perplexity.",
    line: "return Math.exp((loss.sum().arraySync() as number) / loss.size);",
    becomes: "return tf.exp(loss).mean().arraySync() as number;",
  },
  {
    id: "perplexity/summed-loss",
    name: "exp of the summed loss, not divided by N",
    cell: "In [17]",
    chapterLine: "exp(train_loss/num_examples)))",
    advice: "Divide the summed cross-entropy by the number of predicted characters N (the " +
      "label's size) before taking exp: the perplexity of uniform predictions is the vocabulary's " +
      "size.",
    line: "return Math.exp((loss.sum().arraySync() as number) / loss.size);",
    becomes: "return Math.exp(loss.sum().arraySync() as number);",
  },
  {
    id: "perplexity/label-order",
    name: "the label flattened row by row, not step by step",
    cell: "In [17]",
    chapterLine: "label = label.T.reshape((-1,))",
    advice: "The outputs are concatenated step by step (all the batch's first characters, then " +
      "the second ones, …), so the label must be flattened the same way: label.T.reshape(-1), " +
      "label.transpose().reshape([-1]).",
    line: "const target = label.transpose().reshape([-1]) as tf.Tensor1D;",
    becomes: "const target = label.reshape([-1]) as tf.Tensor1D;",
  },
  // In [17] train_and_predict_rnn
  {
    id: "trainRnn/mean-loss",
    name: "the gradient of the mean loss instead of the summed loss",
    cell: "In [17]",
    chapterLine: "loss.backward()",
    advice: "gluon's loss is a vector, one loss per character, and loss.backward() " +
      "differentiates its sum: differentiate the sum, not the mean (tfjs's " +
      "tf.losses.softmaxCrossEntropy averages unless told Reduction.SUM), or every step is " +
      "batch_size × num_steps times too small.",
    line: "return loss.sum(); // loss.backward() differentiates the sum of the loss vector",
    becomes: "return loss.mean();",
  },
  {
    id: "trainRnn/lr-over-batch",
    name: "the learning rate divided by the batch size",
    cell: "In [17]",
    chapterLine: "utils.SGD(params, learning_rate)",
    advice: "This chapter's SGD is param = param − lr × grad, with no division by the batch size " +
      "(later editions of the book divide; this one does not).",
    line: "const lr = config.learningRate;",
    becomes: "const lr = config.learningRate / batchSize;",
  },
  {
    id: "trainRnn/random-state-carried",
    name: "random sampling: the state not reset before each batch",
    cell: "In [17]",
    chapterLine: "state_h = nd.zeros(shape=(batch_size, hidden_dim), ctx=ctx)",
    advice: "Random batches are not next to each other in the text, so with the random sampler " +
      "the state starts from zeros before every batch, not once per epoch.",
    line: "if (config.isRandomIter) state = tf.zeros([batchSize, hiddenDim]);",
    becomes: "",
  },
  {
    id: "trainRnn/consecutive-state-reset",
    name: "consecutive sampling: the state reset before every batch",
    cell: "In [17]",
    chapterLine: "state_h = nd.zeros(shape=(batch_size, hidden_dim), ctx=ctx)",
    advice: "Consecutive batches continue each other's rows, so with the consecutive sampler the " +
      "state is initialised once per epoch and carried from batch to batch.",
    line: "if (config.isRandomIter) state = tf.zeros([batchSize, hiddenDim]);",
    becomes: "state = tf.zeros([batchSize, hiddenDim]);",
  },
  {
    id: "trainRnn/no-clipping",
    name: "the gradients not clipped",
    cell: "In [17]",
    chapterLine: "grad_clipping(params, clipping_theta, ctx)",
    advice: "Clip the gradients with gradClipping(grads, clipping_theta) after the backward pass " +
      "and before the SGD step.",
    line: "const clipped = parts.gradClipping(gradList, config.clippingTheta);",
    becomes: "const clipped = gradList;",
  },
];
