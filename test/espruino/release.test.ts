// SPDX-License-Identifier: MIT
// What an Espruino build lets go once started (scripts/espruino-release.ts): top-level bindings
// nothing running can use, found from the objects start-up left behind and the names their code
// can reach, closures included. Released too much, a later tick would find undefined where it
// calls a function: every built board's file runs in the stand-in after its release (standin and
// equivalence tests); here, the analysis itself.
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { releasing, unusedAfterStart } from "../../scripts/espruino-release";
import { espruinoContext } from "../../sim/espruino/restrict";

/** Runs `code` in an Espruino-like context; `roots` is an expression for what stays running. */
async function unused(code: string, roots: string): Promise<string[]> {
  const context = espruinoContext();
  vm.runInContext(code, context);
  return (await unusedAfterStart(code, context, vm.runInContext(roots, context) as unknown[])).sort();
}

describe("what start-up alone used", () => {
  it("is released: a validator only a constructor calls, a factory, a preset table", async () => {
    const code = [
      "function check(c){if(c.n<0)throw new Error('bad')}",
      "function limit(x){return x>9?9:x}",
      "var presets={a:{n:1}};",
      // As the built file writes classes: a var holding a class expression.
      "var Shell=class{constructor(c){check(c);this.c=c}tick(){return limit(this.c.n)}};",
      "function make(){return new Shell(presets.a)}",
      "var app=make();",
    ].join("\n");
    expect(await unused(code, "[app]")).toEqual(["Shell", "app", "check", "make", "presets"]);
  });

  it("is kept when code that runs later names it: a class it makes again, a table it reads", async () => {
    const code = [
      "var table=[1,2,3];",
      "function check(){return 1}",
      "var Frame=class{constructor(){this.v=check()}};",
      "var Link=class{send(){return new Frame().v+table[0]}};",
      "var app=new Link();",
    ].join("\n");
    expect(await unused(code, "[app]")).toEqual(["Link", "app"]);
  });

  it("is released when only the start-up part of a variable's initializer named it: a table's row builder", async () => {
    const code = [
      "var rows=[];",
      "function addRow(n){rows.push(n);return rows.length-1}",
      "var sig={a:addRow(7),b:addRow(9),read:function(){return rows[sig.b]}};",
      "var Enc=class{put(){return rows[sig.a]+sig.read()}};",
      "var app=new Enc();",
    ].join("\n");
    // sig's method runs later and names rows; addRow ran only while sig was made.
    expect(await unused(code, "[app]")).toEqual(["Enc", "addRow", "app"]);
  });

  it("is kept when only a closure holds the object whose methods name it", async () => {
    const code = [
      "var chars=[0,1,2];",
      "var Reader=class{push(c){return chars[c]}};",
      "function listen(){var reader=new Reader();return function(d){return reader.push(d)}}",
      "var handler=listen();",
    ].join("\n");
    // The handler is what Espruino calls (Serial.on); `reader` is only in its closure.
    expect(await unused(code, "[handler]")).toEqual(["Reader", "handler", "listen"]);
  });

  it("refuses a live arrow function that uses this: the inspector does not show it", async () => {
    const code = "var D=class{constructor(){this.f=()=>this.g()}g(){return 1}};var app=new D();";
    await expect(unused(code, "[app]")).rejects.toThrow(/arrow function uses `this`/);
  });
});

describe("the released file", () => {
  it("ends by setting the released bindings to undefined, and the running part still works", async () => {
    // As the built file leaves what runs: on a global (`tsbms`), not only in a binding.
    const code = "function check(c){return c>0}var Shell=class{constructor(c){check(c);this.c=c}tick(){return this.c*2}};var app=new Shell(21);global.keep=app;";
    const context = espruinoContext();
    vm.runInContext(code, context);
    const names = await unusedAfterStart(code, context, [context.keep]);
    expect(names.sort()).toEqual(["Shell", "app", "check"]);
    expect(releasing(code, ["check", "app"]).slice(code.length)).toBe(";check=app=void 0;delete check;delete app;");
    expect(releasing(code, [])).toBe(code);
    const after = espruinoContext();
    vm.runInContext(releasing(code, names), after);
    expect(vm.runInContext("typeof check + typeof Shell", after)).toBe("undefinedundefined");
    expect((after.keep as { tick(): number }).tick()).toBe(42);
  });
});
