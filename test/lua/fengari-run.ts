// SPDX-License-Identifier: MIT
// Runs a Lua chunk in fengari (Lua 5.3 with 32-bit integers, like NodeMCU's default build) with
// compiled modules reachable through `require`, and returns what the chunk returns as a string.
import { lauxlib, lua, lualib, to_luastring } from "fengari";

/** tostring() of what `chunk` returns, with `moduleDir/?.lua` on package.path; a Lua error throws. */
export function runFengari(chunk: string, moduleDir?: string): string {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const path = moduleDir === undefined ? "" : `package.path = ${JSON.stringify(moduleDir + "/?.lua")} .. ";" .. package.path\n`;
  const body = `${path}local function main()\n${chunk}\nend\nreturn tostring(main())`;
  const status = lauxlib.luaL_dostring(L, to_luastring(body));
  const text = lua.lua_tojsstring(L, -1);
  if (status !== lua.LUA_OK) throw new Error(`fengari: ${text}`);
  return text;
}
