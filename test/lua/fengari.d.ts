// SPDX-License-Identifier: MIT
// The part of fengari's C-like API (Lua 5.3 in JavaScript) the tests use; fengari ships no types.
declare module "fengari" {
  type State = unknown;
  export const lua: {
    LUA_OK: number;
    lua_pushjsfunction(L: State, fn: (L: State) => number): void;
    lua_setglobal(L: State, name: Uint8Array): void;
    lua_getglobal(L: State, name: Uint8Array): number;
    lua_pcall(L: State, nargs: number, nresults: number, msgh: number): number;
    lua_pushinteger(L: State, n: number): void;
    lua_pushnumber(L: State, n: number): void;
    lua_tointeger(L: State, i: number): number;
    lua_tonumber(L: State, i: number): number;
    lua_toboolean(L: State, i: number): boolean;
    lua_tojsstring(L: State, i: number): string;
    lua_pop(L: State, n: number): void;
  };
  export const lauxlib: {
    luaL_newstate(): State;
    luaL_checkinteger(L: State, i: number): number;
    luaL_loadbuffer(L: State, buffer: Uint8Array, size: number | null, name: Uint8Array): number;
    luaL_dostring(L: State, s: Uint8Array): number;
  };
  export const lualib: { luaL_openlibs(L: State): void };
  export function to_luastring(s: string): Uint8Array;
}
