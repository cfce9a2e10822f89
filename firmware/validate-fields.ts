// SPDX-License-Identifier: MIT
// Field readers for validateConfig (firmware/validate.ts): each reads one field of an unknown
// object, reports what is wrong with it as "<path>: <message>" and returns the value only when it
// is usable, so the consistency checks that follow never see garbage. Runs once at start; it
// may allocate.

/** A parsed configuration object. */
export type Obj = Record<string, unknown>;

/** The numeric part of a FaultLimit that passed its field checks. */
export interface FaultLimitValues {
  warnLevel: number;
  faultLevel: number;
  hysteresis: number;
}

/** §9 (cells-and-limits.md): the longest protection delay in use is the bq769x0's 16 s UV option. */
export const delayMaxMs = 60000;

/** A plain object (not an array, not null). */
export function isObject(v: unknown): v is Obj {
  // Parsed JSON may hold null, whose typeof is "object". On Lua null and undefined are both nil,
  // so the comparison is portable.
  // eslint-disable-next-line no-restricted-syntax
  return typeof v === "object" && v !== undefined && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object" && !isObject(v)) return "null";
  return typeof v;
}

function join(path: string, key: string): string {
  return path === "" ? key : path + "." + key;
}

function withUnit(v: number, unit: string): string {
  return unit === "" ? "" + v : v + " " + unit;
}

function isInteger(v: number): boolean {
  return v > -1e15 && v < 1e15 && Math.floor(v) === v;
}

/** Collects the problems of one configuration. */
export class Checker {
  readonly problems: string[] = [];

  add(path: string, message: string): void {
    this.problems.push(path + ": " + message);
  }

  /** A nested object, or undefined (reported) when missing or not an object. */
  section(parent: Obj | undefined, path: string, key: string): Obj | undefined {
    if (parent === undefined) return undefined;
    const v = parent[key];
    if (v === undefined) this.add(join(path, key), "missing");
    else if (!isObject(v)) this.add(join(path, key), "expected an object, got " + describe(v));
    else return v;
    return undefined;
  }

  /** An integer field inside [low, high] (unit for the message), or undefined (reported). */
  int(parent: Obj | undefined, path: string, key: string, unit: string, low: number, high: number): number | undefined {
    if (parent === undefined) return undefined;
    const v = parent[key];
    const at = join(path, key);
    if (v === undefined) this.add(at, "missing");
    else if (typeof v !== "number") this.add(at, "expected a number, got " + describe(v));
    else if (!isInteger(v)) this.add(at, v + " is not an integer (fixed-point units: " + (unit === "" ? "count" : unit) + ")");
    else if (v < low || v > high) this.add(at, withUnit(v, unit) + " is outside " + low + ".." + withUnit(high, unit));
    else return v;
    return undefined;
  }

  /** A boolean field, or undefined (reported). */
  bool(parent: Obj | undefined, path: string, key: string): boolean | undefined {
    if (parent === undefined) return undefined;
    const v = parent[key];
    const at = join(path, key);
    if (v === undefined) this.add(at, "missing");
    else if (typeof v !== "boolean") this.add(at, "expected a boolean, got " + describe(v));
    else return v;
    return undefined;
  }

  /**
   * A FaultLimit with levels in [low, high]; `above` says which way is beyond (an upper limit
   * has its warning at or below the fault level). Undefined when a field is missing or unusable
   * (reported); a warning beyond the fault level is reported and the levels still returned.
   */
  limit(parent: Obj | undefined, path: string, key: string, above: boolean, unit: string, low: number, high: number): FaultLimitValues | undefined {
    const o = this.section(parent, path, key);
    if (o === undefined) return undefined;
    const at = join(path, key);
    const warn = this.int(o, at, "warnLevel", unit, low, high);
    const fault = this.int(o, at, "faultLevel", unit, low, high);
    const hysteresis = this.int(o, at, "hysteresis", unit, 0, high - low);
    const delay = this.int(o, at, "delayMs", "ms", 0, delayMaxMs);
    const latch = this.bool(o, at, "latch");
    if (warn === undefined || fault === undefined || hysteresis === undefined) return undefined;
    if (above ? warn > fault : warn < fault) this.add(at, "warnLevel " + warn + " is beyond faultLevel " + fault);
    if (delay === undefined || latch === undefined) return undefined;
    return { warnLevel: warn, faultLevel: fault, hysteresis: hysteresis };
  }

  /** A FaultLimit's levels read again without reporting (limit() has reported its problems). */
  peek(parent: Obj | undefined, key: string): FaultLimitValues | undefined {
    if (parent === undefined) return undefined;
    const o = parent[key];
    if (!isObject(o)) return undefined;
    const warn = o["warnLevel"];
    const fault = o["faultLevel"];
    const hysteresis = o["hysteresis"];
    if (typeof warn !== "number" || typeof fault !== "number" || typeof hysteresis !== "number") return undefined;
    if (!isInteger(warn) || !isInteger(fault) || !isInteger(hysteresis)) return undefined;
    return { warnLevel: warn, faultLevel: fault, hysteresis: hysteresis };
  }

  /** Reports `path` when v > max: "<v> <unit> is above <what> <max> <unit>". */
  atMost(path: string, v: number, max: number, unit: string, what: string): void {
    if (v > max) this.add(path, withUnit(v, unit) + " is above " + what + " " + withUnit(max, unit));
  }

  /** Reports `path` when v < min: "<v> <unit> is below <what> <min> <unit>". */
  atLeast(path: string, v: number, min: number, unit: string, what: string): void {
    if (v < min) this.add(path, withUnit(v, unit) + " is below " + what + " " + withUnit(min, unit));
  }

  /** Reports `path` unless v > other: "<v> <unit> is not above <what> <other> <unit>". */
  above(path: string, v: number, other: number, unit: string, what: string): void {
    if (!(v > other)) this.add(path, withUnit(v, unit) + " is not above " + what + " " + withUnit(other, unit));
  }

  /** Reports `path` unless v < other: "<v> <unit> is not below <what> <other> <unit>". */
  below(path: string, v: number, other: number, unit: string, what: string): void {
    if (!(v < other)) this.add(path, withUnit(v, unit) + " is not below " + what + " " + withUnit(other, unit));
  }
}
