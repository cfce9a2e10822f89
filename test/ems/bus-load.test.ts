// SPDX-License-Identifier: MIT
// Bus load of the EMS link, computed from the DBC (each frame's DLC and GenMsgCycleTime) and the
// groups a board's multiplexed frames send, at 500 kbit/s (../shared/reference/can-link.md §1).
//
// Frame length, classic CAN 2.0A data frame with the worst-case bit stuffing:
//   bits(DLC) = 44 + 8·DLC + floor((34 + 8·DLC − 1) / 4) + 3
// 44 = SOF 1 + identifier 11 + RTR 1 + IDE 1 + r0 1 + DLC 4 + CRC 15 + CRC delimiter 1 + ACK 2 +
// EOF 7; 3 = interframe space. Stuffing covers the 34 + 8·DLC bits from SOF to the end of the CRC:
// after five equal bits a complement bit is inserted, and that bit starts the next run, so at worst
// the first stuff bit comes after 5 bits and then one every 4: floor((n − 1) / 4) for n bits. This is
// the bound of Davis, Burns, Bril and Lukkien, "Controller Area Network (CAN) schedulability
// analysis: refuted, revisited and revised", Real-Time Systems 35 (2007): 135 bits for DLC 8.
//
// Event-driven frames are bounded from above: the EMS sends each command (0x4B0, 0x4B1, and the
// fault clear 0x4B2 too) at most once a second, and the BMS answers every command frame with one
// 0x4B8 reply (firmware/ems/link-service.ts).
import { describe, expect, it } from "vitest";
import { boards, defaultBoardName, findBoard } from "../../boards/index";
import { frameGroups } from "../../firmware/ems/encode";
import { FrameId } from "../../firmware/ems/ids";
import { FrameProfile, frameTable } from "../../firmware/ems/signals";
import type { PackConfig } from "../../firmware/types";
import { loadDbc, messageById } from "./dbc-helpers";

const db = loadDbc();
const bitrate = Number(db.data.attributes.get("Baudrate")?.value);
const busLoadLimit = 0.3;

/** Worst-case length on the wire of an 11-bit data frame, interframe space included. */
function frameBits(dlc: number): number {
  return 44 + 8 * dlc + Math.floor((34 + 8 * dlc - 1) / 4) + 3;
}

const commandIds: number[] = [FrameId.modeRequest, FrameId.limitRequest, FrameId.faultClear];

interface Traffic {
  id: number;
  profile: number;
  framesPerS: number;
  bitsPerS: number;
}

/** Frames per second of every frame on the bus for a pack configuration. */
function traffic(conf: PackConfig): Traffic[] {
  return frameTable.id.map((id, i) => {
    const m = messageById(db.data, id);
    const cycleMs = Number(m.attributes.get("GenMsgCycleTime")?.value ?? "0");
    let framesPerS: number;
    if (commandIds.includes(id)) framesPerS = 1;
    else if (id === FrameId.commandReply) framesPerS = commandIds.length;
    else {
      expect(cycleMs, `${m.name} has a cycle time`).toBeGreaterThan(0);
      // A frame the BMS receives is sent once per period; a BMS frame once per group per period.
      const perPeriod = frameTable.profile[i] === FrameProfile.received ? 1 : frameGroups(conf, id);
      framesPerS = (perPeriod * 1000) / cycleMs;
    }
    return { id, profile: frameTable.profile[i], framesPerS, bitsPerS: framesPerS * frameBits(m.dlc) };
  });
}

const profileName = ["inverter", "pylon option", "detailed+reply", "EMS to BMS"];

function report(boardName: string, conf: PackConfig): { framesPerS: number; load: number } {
  const t = traffic(conf);
  const lines: string[] = [];
  let frames = 0;
  let bits = 0;
  for (let p = 0; p < profileName.length; p++) {
    const rows = t.filter((r) => r.profile === p);
    const f = rows.reduce((a, r) => a + r.framesPerS, 0);
    const b = rows.reduce((a, r) => a + r.bitsPerS, 0);
    frames += f;
    bits += b;
    lines.push(`  ${profileName[p].padEnd(14)} ${f.toFixed(1).padStart(5)} frames/s ${(b / 1000).toFixed(2).padStart(6)} kbit/s ${((100 * b) / bitrate).toFixed(2).padStart(5)} %`);
  }
  lines.push(`  ${"all".padEnd(14)} ${frames.toFixed(1).padStart(5)} frames/s ${(bits / 1000).toFixed(2).padStart(6)} kbit/s ${((100 * bits) / bitrate).toFixed(2).padStart(5)} % of ${bitrate / 1000} kbit/s (${((100 * bits) / 250000).toFixed(2)} % at 250 kbit/s)`);
  console.log(`EMS link bus load, ${boardName} (${conf.seriesCount} cells, ${conf.temperatureCount} sensors):\n${lines.join("\n")}`);
  return { framesPerS: frames, load: bits / bitrate };
}

describe("EMS link bus load", () => {
  it("counts 135 bits for a DLC 8 frame and 75 for DLC 2, the worst-case stuffing bound", () => {
    expect(frameBits(8)).toBe(135);
    expect(frameBits(2)).toBe(75);
    expect(frameBits(0)).toBe(55);
    expect(bitrate).toBe(500000);
  });

  it.each([defaultBoardName, "esp32-ltc6813x2-36s"])("%s: every profile together stays below 30 percent of 500 kbit/s and a few dozen frames per second", (name) => {
    const r = report(name, findBoard(name).pack);
    expect(r.load).toBeLessThan(busLoadLimit);
    // A BMS sending 300 frames/s made a GX miss it (can-link.md §1.4): keep to a few dozen.
    expect(r.framesPerS).toBeLessThan(50);
  });

  it("stays below 30 % on every board, and at the table's 48 cells and 12 sensors", () => {
    for (const b of boards) expect(traffic(b.pack).reduce((a, r) => a + r.bitsPerS, 0) / bitrate, b.name).toBeLessThan(busLoadLimit);
    const full = { ...findBoard(defaultBoardName).pack, seriesCount: 48, temperatureCount: 12 };
    expect(report("48 cells, 12 sensors (all groups)", full).load).toBeLessThan(busLoadLimit);
  });
});
