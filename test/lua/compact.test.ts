// SPDX-License-Identifier: MIT
// The Lua compactor (scripts/lua-compact.ts) drops comments and indentation but never touches a
// string, a long string or the line structure, and the result still runs the same.
import { describe, expect, it } from "vitest";
import { compactLua } from "../../scripts/lua-compact";
import { runFengari } from "./fengari-run";

const source = `
-- a line comment
local s = "  -- not a comment  "  -- trailing comment
local q = 'it''s' .. "\\"  x  \\""
--[[ a long
   comment ]] local long = [==[
  keep   -- this
    ]==]
local function f(a, b)
    return a - -b, 1 .. 2, a .. "|" .. b
end
local x, y, z = f(3, 4)
return s .. q .. long .. x .. y .. z
`;

describe("the Lua compactor", () => {
  it("keeps strings, long strings and meaning, and drops comments and indentation", () => {
    const compact = compactLua(source.replace("'it''s'", "'its'"));
    expect(compact).toContain('"  -- not a comment  "');
    expect(compact).toContain("[==[\n  keep   -- this\n    ]==]");
    expect(compact).not.toContain("a line comment");
    expect(compact).not.toContain("trailing comment");
    expect(compact).not.toMatch(/^ {2,}return/m);
    const original = source.replace("'it''s'", "'its'");
    expect(runFengari(compact)).toBe(runFengari(original));
    expect(compact.length).toBeLessThan(original.length);
  });
});
