/** A promise with its resolve function outside (something else says when it is done). */
export type Deferred<T> = { promise: Promise<T>; resolve: (v: T) => void };

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
