// SPDX-License-Identifier: MIT
// typescript-to-lua plugin (tsconfig.lua.json "tstl.luaPlugins"): makes the `>>>` lowering work on
// a Lua 5.3 with 32-bit integers (NodeMCU's default build, fengari). TSTL 1.37.1 lowers `a >>> n`
// to `(a & 4294967295) >> n` (../shared/reference/lua.md §3); with 32-bit integers the decimal
// literal 4294967295 does not fit, is read as a float, and `&` raises "number has no integer
// representation". A hex literal wraps to the integer width instead (Lua 5.3 manual §3.1): -1 on
// 32-bit, 0xFFFFFFFF on 64-bit, the same all-ones mask both ways.
// It rewrites the emitted text (beforeEmit: after bundling, so the bundle and every module file
// get it) and only in that exact shape, so a plain 4294967295 elsewhere keeps its value.
// CommonJS because TSTL loads plugins with require().
/* global module */
"use strict";

const lowered = /& 4294967295\) >> /g;

/** The Lua text with every lowered `>>>` mask written as the portable hex literal. */
function portableShifts(code) {
  return code.replace(lowered, "& 0xFFFFFFFF) >> ");
}

/** @type {import("typescript-to-lua").Plugin} */
const plugin = {
  beforeEmit(_program, _options, _emitHost, result) {
    for (const file of result) file.code = portableShifts(file.code);
  },
};

module.exports = plugin;
module.exports.portableShifts = portableShifts;
