// SPDX-License-Identifier: MIT
// `>>>` compiled with the project's Lua options (tsconfig.lua.json, with the plugin
// scripts/tstl-plugins/portable-shifts.cjs) works on a Lua with 32-bit integers, as NodeMCU's
// default build and fengari have (../shared/reference/lua.md §3, §7): the mask TSTL puts in front
// of the shift is the hex literal, not the decimal 4294967295 that such a Lua reads as a float.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tstl from "typescript-to-lua";
import { luaCompilerOptions } from "../../scripts/lua-config";
import { runFengari } from "./fengari-run";

/** The shapes the firmware uses: a shift then a mask (firmware/persist-record.ts, hal/mcp2515/frames.ts). */
const source = `
export function ushr(a: number, n: number): number {
  return a >>> n;
}
export function byteOf(v: number, i: number): number {
  return (v >>> (8 * i)) & 0xff;
}
export function bit(mask: number, id: number): number {
  return (mask >>> id) & 1;
}
`;
const ushr = (a: number, n: number) => a >>> n;
const byteOf = (v: number, i: number) => (v >>> (8 * i)) & 0xff;
const bit = (mask: number, id: number) => (mask >>> id) & 1;

/** The snippet's Lua module text, compiled with the project's options or without the plugins. */
function compile(withPlugins: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "tsbms-shifts-"));
  try {
    writeFileSync(join(dir, "shifts.ts"), source);
    const options = { ...luaCompilerOptions(), outDir: dir, rootDir: dir };
    if (!withPlugins) options.luaPlugins = [];
    const result = tstl.transpileFiles([join(dir, "shifts.ts")], options);
    expect(result.diagnostics.map((d) => String(d.messageText))).toEqual([]);
    return readFileSync(join(dir, "shifts.lua"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lua integer literal for an int32 vector (a decimal above 2^31 would be a float there). */
const lit = (v: number) => String(v | 0);

describe("`>>>` on a Lua with 32-bit integers", () => {
  const lua = compile(true);
  const run = (call: string) => runFengari(`local m = (load(${JSON.stringify(lua)}))()\nreturn ${call}`);

  it("is compiled with the hex mask, not the decimal 4294967295", () => {
    expect(lua).toContain("& 0xFFFFFFFF) >>");
    expect(lua).not.toContain("4294967295");
  });

  it("gives V8's answer for a negative value shifted right: (-8) >>> 28 is 15", () => {
    expect(run("m.ushr(-8, 28)")).toBe(String(ushr(-8, 28)));
    expect(run("m.ushr(-1, 24)")).toBe(String(ushr(-1, 24)));
    expect(run(`m.ushr(${lit(0x80000000)}, 31)`)).toBe(String(ushr(0x80000000, 31)));
  });

  it("gives V8's bytes and bits once masked, bit 31 set included (0x80000000 >>> 0 & 0xff)", () => {
    const vectors = [0, 1, -1, -8, 0x7fffffff, 0x80000000, 0xdeadbeef, 0x12345678, -2147483647];
    for (const v of vectors) {
      for (let i = 0; i < 4; i++) expect(run(`m.byteOf(${lit(v)}, ${i})`), `byte ${i} of ${v}`).toBe(String(byteOf(v, i)));
      for (const id of [0, 7, 30, 31]) expect(run(`m.bit(${lit(v)}, ${id})`), `bit ${id} of ${v}`).toBe(String(bit(v, id)));
    }
  });

  it("leaves bit 31 as the sign when unmasked: x >>> 0 is -2^31 there, 2^31 on V8, so the firmware masks after every >>>", () => {
    expect(run(`m.ushr(${lit(0x80000000)}, 0)`)).toBe("-2147483648");
    expect(ushr(0x80000000, 0)).toBe(2147483648);
  });

  it("fails without the plugin: TSTL's own lowering raises on 32-bit integers", () => {
    const raw = compile(false);
    expect(raw).toContain("4294967295");
    expect(() => runFengari(`local m = (load(${JSON.stringify(raw)}))()\nreturn m.ushr(-8, 28)`)).toThrow(/no integer representation/);
  });
});
