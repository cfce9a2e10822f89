// SPDX-License-Identifier: MIT
// A built Espruino bundle as the stand-in (./standin.ts) takes it, and a view of the bundle's
// objects under their source property names: the build shortens our property names
// (scripts/mangle-props.ts), and tests and reports read them by the names the source uses.

/** A built bundle: its code and the property names the build shortened (scripts/mangle-props.ts). */
export interface StandInBundle {
  code: string;
  /** esbuild's mangle cache: original name → short name (false: kept). */
  propertyNames?: Record<string, string | false>;
}

/**
 * A view of an object of the bundle under its source property names, so a test reads
 * `app.shell.state.events` although the bundle calls them by short names. Plain objects and class
 * instances are wrapped; arrays, typed arrays and primitives come back as they are; a method is
 * called on the bundle's own object and its result wrapped.
 */
export function sourceView<T>(value: T, names: Record<string, string | false>): T {
  if (value === null || typeof value !== "object" || Array.isArray(value) || ArrayBuffer.isView(value)) return value;
  return new Proxy(value as object, {
    get(target, prop) {
      const short = typeof prop === "string" ? names[prop] : undefined;
      const key = typeof short === "string" ? short : prop;
      const v = Reflect.get(target, key) as unknown;
      if (typeof v === "function") {
        return (...args: unknown[]): unknown => sourceView((v as (...a: unknown[]) => unknown).apply(target, args), names);
      }
      return sourceView(v, names);
    },
    set(target, prop, v) {
      const short = typeof prop === "string" ? names[prop] : undefined;
      return Reflect.set(target, typeof short === "string" ? short : prop, v);
    },
  }) as T;
}
