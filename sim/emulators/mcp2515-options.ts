// SPDX-License-Identifier: MIT
// Options and statistics of the MCP2515 emulator (sim/emulators/mcp2515.ts), checked with zod so
// a bad option is named.
import { z } from "zod";
import type { VirtualCanBus } from "../can-bus";

export interface Mcp2515EmulatorOptions {
  /** The crystal actually on the board, Hz. */
  crystalHz: number;
  /** The virtual bus to sit on (none: the chip still works, loopback included). */
  bus?: VirtualCanBus;
  /** Name on the bus (default "mcp2515"). */
  name?: string;
  /** CS frames after a REQOP write that still read the old OPMOD (default 1; drivers must poll). */
  modeSwitchFrames?: number;
  /**
   * TEC keeps rising on missing ACKs in error-passive state, so a node alone on the bus reaches
   * bus-off (default true, as §6.4 item 4 describes). false applies ISO 11898-1's exception.
   */
  passiveAckErrors?: boolean;
}

const optionsSchema = z.strictObject({
  crystalHz: z.number().int().min(1_000_000).max(40_000_000),
  bus: z.custom<VirtualCanBus>((b) => typeof b === "object" && b !== null && "attach" in b, "must be a VirtualCanBus").optional(),
  name: z.string().min(1).default("mcp2515"),
  modeSwitchFrames: z.number().int().min(0).default(1),
  passiveAckErrors: z.boolean().default(true),
});

/** What the emulated chip did, for tests and figures. */
export interface Mcp2515Stats {
  framesSent: number;
  framesReceived: number;
  /** Frames taken by no filter. */
  framesRejected: number;
  overflows: number;
  /** Transmit attempts that failed because the chip's bit rate is not the bus's. */
  rateMismatches: number;
  noAck: number;
  /** Frames on the bus it could not decode (its bit rate is wrong). */
  busErrors: number;
}

/** The options with defaults filled in; throws naming every bad option. */
export function parseOptions(options: Mcp2515EmulatorOptions): Required<Omit<Mcp2515EmulatorOptions, "bus">> {
  const r = optionsSchema.safeParse(options);
  if (!r.success) throw new Error(r.error.issues.map((i) => `Mcp2515Emulator options.${i.path.join(".")}: ${i.message}`).join("\n"));
  return r.data;
}
