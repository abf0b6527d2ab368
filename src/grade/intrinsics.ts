/**
 * The built-ins the sandboxed child uses once the submission has loaded, taken when this module is
 * evaluated (before the submission's code runs), in the manner of Node's primordials.
 *
 * A submission shares the child's realm: it can replace `Array.prototype.join`, `JSON`, `String`,
 * `Function.prototype.call`, define setters on `Array.prototype`, and so on. Code that runs after
 * it loads must therefore call nothing it can patch: no method looked up on a prototype at call
 * time, no iteration protocol on the child's own arrays, no assignment that a setter could catch.
 * It calls the functions below, and otherwise builds strings by concatenation, reads own
 * properties and indexes arrays.
 *
 * @module
 */

const call = Function.prototype.call;

/**
 * `f` as a function that takes its `this` first: `uncurry(f)(self, ...args)` is
 * `f.call(self, ...args)`. It looks up `bind` when called, so call it only while modules are
 * evaluated, before the submission loads (as here, and for tfjs's methods in `codec.ts`).
 */
export function uncurry<T, A extends unknown[], R>(
  f: (this: T, ...args: A) => R,
): (self: T, ...args: A) => R {
  return call.bind(f) as unknown as (self: T, ...args: A) => R;
}

const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const defineProperty = Object.defineProperty;

/** `Array.isArray`. */
export const isArray: (x: unknown) => x is unknown[] = Array.isArray;

/** `Number.isFinite`. */
export const isFinite: (x: unknown) => boolean = Number.isFinite;

/** `JSON.stringify`, used on strings only (which call no user code). */
export const stringify: (s: string) => string = JSON.stringify;

/** `String(x)`. */
export const toText: (x: unknown) => string = String;

/** `s.slice(start, end)`. */
export const sliceText: (s: string, start: number, end?: number) => string = uncurry(
  String.prototype.slice,
);

/** `C[Symbol.hasInstance](x)` as `Function.prototype` defines it: `x instanceof C` for a class. */
export const isInstance: (C: unknown, x: unknown) => boolean = uncurry(
  Function.prototype[Symbol.hasInstance] as (this: unknown, x: unknown) => boolean,
);

/** The length of a typed array (an accessor of `%TypedArray%.prototype`). */
export const typedLength: (a: ArrayLike<number>) => number = uncurry(
  Object.getOwnPropertyDescriptor(typedArrayPrototype, "length")!.get! as (
    this: ArrayLike<number>,
  ) => number,
);

/** `a.subarray(start)` of a `Uint8Array`. */
export const subarray: (a: Uint8Array, start: number) => Uint8Array = uncurry(
  Uint8Array.prototype.subarray as (this: Uint8Array, start: number) => Uint8Array,
);

/** `encoder.encode(s)` of a `TextEncoder`: `s` as UTF-8. */
export const encodeUtf8: (encoder: TextEncoder, s: string) => Uint8Array = uncurry(
  TextEncoder.prototype.encode,
);

/** `Deno.stdout.writeSync(b)`, called as `writeSync(Deno.stdout, b)`. */
export const writeSync: (self: unknown, b: Uint8Array) => number = uncurry(
  Deno.stdout.writeSync as (this: unknown, b: Uint8Array) => number,
);

/** `Symbol.iterator`. */
export const iteratorSymbol: typeof Symbol.iterator = Symbol.iterator;

/** `f.bind(self)`: a bound function, whose `toString()` is `function () { [native code] }`. */
export const bindTo: <F extends (...args: never[]) => unknown>(f: F, self: unknown) => F = uncurry(
  Function.prototype.bind as (this: unknown, self: unknown) => never,
);

/** Calls `f` with `self` as `this` and no arguments. */
export const callWith: (f: unknown, self: unknown) => unknown = uncurry(
  call as (this: unknown, self: unknown) => unknown,
);

/** The `Error` class. */
export const ErrorClass: ErrorConstructor = Error;

/** Sets `a[a.length] = x` as an own property, which no setter on `Array.prototype` can catch. */
export function append<T>(a: T[], x: T): void {
  defineProperty(a, a.length, {
    __proto__: null,
    value: x,
    writable: true,
    enumerable: true,
    configurable: true,
  } as PropertyDescriptor);
}
