// SPDX-License-Identifier: MIT
// The Lua build's memory on a real Lua 5.3 interpreter (Debian's lua5.3, through sim/lua/
// lua53-bridge.ts): the heap collectgarbage("count") reports after start-up and after some ticks
// on the simulator, for `npm run bench`. lua5.3 has 64-bit integers and floats where NodeMCU's
// default build has 32-bit ones (lua.md), so the figure is an upper bound for the board.
import { readFileSync } from "node:fs";
import type { BoardDefinition } from "../boards/types";
import { haveLua53, Lua53Bms } from "../sim/lua/lua53-bridge";
import { Rig } from "../sim/rig";
import { buildLuaCore } from "./build-lua";

export interface LuaHeap {
  codeBytes: number;
  /** KB after a full collection, by tick count. */
  afterTicks: { ticks: number; kb: number }[];
}

/** Heap figures for a NodeMCU board, or undefined when lua5.3 is not installed. */
export async function luaHeap(board: BoardDefinition, tickCounts: number[]): Promise<LuaHeap | undefined> {
  if (!haveLua53()) return undefined;
  const core = await buildLuaCore(board.name);
  const rig = new Rig({ board, seed: 7, initialSocPct: 50, spread: {}, ambientCelsius: 25 });
  const vm = new Lua53Bms(core.file, rig);
  try {
    const afterTicks: LuaHeap["afterTicks"] = [];
    let done = 0;
    for (const target of [...tickCounts].sort((a, b) => a - b)) {
      for (; done < target; done++) {
        rig.advance(-Math.round(board.pack.capacityMah / 5), board.tickMs, 25);
        vm.tick();
        rig.ems?.update();
      }
      const kb = Number(vm.eval('(collectgarbage("collect") and collectgarbage("count"))'));
      afterTicks.push({ ticks: target, kb });
    }
    return { codeBytes: readFileSync(core.file).length, afterTicks };
  } finally {
    vm.close();
  }
}
