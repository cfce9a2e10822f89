// SPDX-License-Identifier: MIT
// Options of the MCP2515 driver, their checks and the acceptance-filter layout. Construction
// happens once at start, so a bad option throws an Error naming it (string building is fine here,
// never per frame). Facts: ../shared/reference/can-link.md §6.2 (filters, masks, ID packing).
import type { SpiDevice } from "../hal";
import { packId } from "./frames";
import { extendedIdMax, filterCount, idBytes, maskCount, rxb0FilterCount, standardIdMax } from "./registers";

/** One identifier to accept. */
export interface CanFilter {
  id: number;
  extended: boolean;
}

export interface Mcp2515Options {
  /** The chip's SPI device (mode 0,0 or 1,1, MSB first, ≤ 10 MHz; §6). */
  spi: SpiDevice;
  /** The crystal on the board, Hz (8 MHz and 16 MHz modules are common; §6.3). */
  crystalHz: number;
  /** Bit rate of the bus, bit/s (500 000 for the inverter profile, §1). */
  bitrate: number;
  /**
   * Identifiers to accept, 1..6; absent = every frame. Filters 0–1 feed RXB0 (and roll over to
   * RXB1), filters 2–5 feed RXB1. Each group shares one mask, so it must hold one kind of id
   * (all 11-bit or all 29-bit); with one or two filters, RXB1's group repeats filter 0.
   */
  filters?: CanFilter[];
  /** Id bits that must match, [RXM0 for filters 0–1, RXM1 for 2–5]; absent = every id bit. */
  masks?: number[];
  /** Loopback mode: frames go to the chip's own receive buffers, never on the bus (§6.4 item 3). */
  loopback?: boolean;
  /** CANSTAT reads allowed for each mode change before start fails (default 32). */
  modePolls?: number;
  /**
   * send()/receive() calls the driver lets pass, with the controller down (bus-off, a mode it did
   * not set, a failed start), before it resets and configures it again (default 10). The pause
   * keeps a node with a wiring or timing fault from disturbing the bus without end.
   */
  restartPolls?: number;
}

function isWhole(x: number): boolean {
  return typeof x === "number" && Math.floor(x) === x && x >= 0;
}

function fail(option: string, value: number, rule: string): void {
  throw new Error("mcp2515: option " + option + " = " + String(value) + " " + rule);
}

/** Throws an Error naming the first bad option (bit timing is checked by the driver). */
export function validateOptions(o: Mcp2515Options): void {
  if (o.spi === undefined) throw new Error("mcp2515: option spi is missing");
  if (o.modePolls !== undefined && (!isWhole(o.modePolls) || o.modePolls < 1)) {
    fail("modePolls", o.modePolls, "must be a whole number >= 1");
  }
  if (o.restartPolls !== undefined && !isWhole(o.restartPolls)) {
    fail("restartPolls", o.restartPolls, "must be a whole number >= 0");
  }
  if (o.filters !== undefined) {
    if (o.filters.length < 1 || o.filters.length > filterCount) {
      fail("filters.length", o.filters.length, "is outside 1..6 (the chip has six filters)");
    }
    for (let i = 0; i < o.filters.length; i++) {
      const f = o.filters[i];
      const max = f.extended ? extendedIdMax : standardIdMax;
      if (!isWhole(f.id) || f.id > max) {
        fail("filters[" + String(i) + "].id", f.id, "is not a " + (f.extended ? "29" : "11") + "-bit identifier");
      }
    }
  }
  if (o.masks !== undefined && o.masks.length !== maskCount) {
    fail("masks.length", o.masks.length, "must be 2 (RXM0, RXM1)");
  }
}

/** Index into `filters` of the filter that fills hardware slot `slot` (0..5). */
function sourceOf(slot: number, count: number): number {
  if (slot < rxb0FilterCount) return slot < count ? slot : 0;
  if (count <= rxb0FilterCount) return 0;
  return slot < count ? slot : rxb0FilterCount;
}

/**
 * Register images of the six filters (RXF0..RXF5, 4 bytes each, into `filterBytes`) and the two
 * masks (RXM0, RXM1, into `maskBytes`). Throws when a group mixes 11-bit and 29-bit ids or a mask
 * does not fit its group's kind.
 */
export function layoutFilters(filters: CanFilter[], masks: number[] | undefined, filterBytes: number[], maskBytes: number[]): void {
  const count = filters.length;
  for (let g = 0; g < maskCount; g++) {
    const first = g === 0 ? 0 : rxb0FilterCount;
    const last = g === 0 ? rxb0FilterCount : filterCount;
    const extended = filters[sourceOf(first, count)].extended;
    for (let slot = first; slot < last; slot++) {
      const i = sourceOf(slot, count);
      if (filters[i].extended !== extended) {
        throw new Error(
          "mcp2515: option filters[" + String(i) + "] mixes 11-bit and 29-bit ids in the group of " +
            (g === 0 ? "filters 0-1 (mask RXM0)" : "filters 2-5 (mask RXM1)"),
        );
      }
      packId(filters[i].id, extended, extended, filterBytes, idBytes * slot);
    }
    const max = extended ? extendedIdMax : standardIdMax;
    const mask = masks === undefined ? max : masks[g];
    if (!isWhole(mask) || mask > max) fail("masks[" + String(g) + "]", mask, "does not fit the " + (extended ? "29" : "11") + "-bit ids of its group");
    packId(mask, extended, false, maskBytes, idBytes * g);
  }
}
