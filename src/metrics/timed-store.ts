import type { Store } from '../store/store.js';

/**
 * `store` with each call that returns a promise timed into `observe` under the method's
 * name (keyward_db_query_duration_seconds{operation}). A Proxy rather than a list of
 * methods, so a method added to the Store is timed without a change here. Synchronous
 * members (`dialect`, `onRevision`) pass through untimed.
 */
export function timedStore(
  store: Store,
  observe: (operation: string, seconds: number) => void,
): Store {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let wrapper = wrappers.get(property);
      if (!wrapper) {
        const method = value as (...args: unknown[]) => unknown;
        wrapper = (...args: unknown[]) => {
          const started = performance.now();
          const result = method.apply(target, args);
          if (!(result instanceof Promise)) return result;
          const done = () => observe(property, (performance.now() - started) / 1000);
          result.then(done, done);
          return result;
        };
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}
