// SPDX-License-Identifier: MIT
// A test rig for one board: the simulated hardware (sim/hardware.ts: pack, emulated chips, current
// sensor on the simulated platform), the EMS link's bus and simulated EMS, and the unchanged
// firmware wired to that platform exactly as it is on the board. The AFE is
// whatever the board names (sim/afe-model.ts); a separate current sensor and switch pins exist
// only where the board has them, otherwise the AFE measures the current and drives the FETs.
import type { BoardDefinition } from "../boards/types";
import type { SerialPort } from "../hal/hal";
import { wireBoard } from "../firmware/wire-any";
import type { BmsShell } from "../firmware/shell";
import { SimHardware } from "./hardware";
import { SimPlatform } from "./hal/platform";
import type { SimStorage } from "./hal/platform";
import { SimSerialLink } from "./hal/serial";
import { VirtualCanBus } from "./can-bus";
import { Mcp2515Emulator } from "./emulators/mcp2515";
import { SimEms, canTransport, slcanTransport } from "./ems-node";
import type { EmsAction, EmsTransport } from "./ems-node";

export interface RigOptions {
  board: BoardDefinition;
  seed: number;
  initialSocPct: number;
  spread: { capacityPct?: number; resistancePct?: number; selfDischargePct?: number; initialSocPct?: number };
  ambientCelsius: number;
  /** The simulated EMS on the board's EMS link (boards without one ignore it). */
  ems?: { periodMs: number; actions: EmsAction[]; log: boolean };
  /**
   * A serial port from outside the simulation (a pseudo-terminal to real host tools) behind the
   * board's SLCAN UART. It replaces the simulated UART, and no simulated EMS is made: the host
   * on the other end is the EMS. Only for boards whose EMS link is SLCAN.
   */
  emsSerial?: SerialPort;
  /**
   * The board's flash from an earlier Rig: the firmware restores what it saved there, as after a
   * reset of the MCU (firmware/persist.ts). Default: an empty one.
   */
  storage?: SimStorage;
}

export class Rig extends SimHardware {
  readonly shell: BmsShell;
  /** The virtual CAN bus of an MCP2515 board, and the simulated EMS on the board's EMS link. */
  readonly canBus: VirtualCanBus | undefined;
  readonly ems: SimEms | undefined;

  constructor(options: RigOptions) {
    super(new SimPlatform(undefined, options.storage), options.board, options);
    const board = options.board;
    // The EMS link: an MCP2515 on a virtual CAN bus, or SLCAN on a simulated UART.
    const link = board.ems;
    let serial: SimSerialLink | undefined = undefined;
    let bus: VirtualCanBus | undefined = undefined;
    if (options.emsSerial !== undefined && link?.transport.kind !== "slcan") {
      throw new Error(`Rig options.emsSerial: board ${board.name} has no SLCAN EMS link to put it on`);
    }
    if (link !== undefined) {
      const t = link.transport;
      if (t.kind === "mcp2515") {
        bus = new VirtualCanBus({ bitrate: t.bitrate });
        this.platform.attachSpi(t.spiBus, t.select, new Mcp2515Emulator({ crystalHz: t.crystalHz, bus, name: "bms" }));
      } else if (options.emsSerial !== undefined) this.platform.attachSerial(t.serial, options.emsSerial);
      else {
        serial = new SimSerialLink();
        this.platform.attachSerial(t.serial, serial.device);
      }
    }
    this.canBus = bus;
    this.shell = wireBoard(board, this.platform);
    let transport: EmsTransport | undefined = undefined;
    if (bus !== undefined) transport = canTransport(bus);
    // After the firmware is wired: its SLCAN device must be listening when the host opens.
    if (serial !== undefined) transport = slcanTransport(serial);
    // Without a scenario EMS the node only listens (periodMs 0): the BMS runs on its own.
    const e = options.ems ?? { periodMs: 0, actions: [], log: false };
    this.ems = transport === undefined ? undefined : new SimEms({ transport, clock: this.platform.clock, periodMs: e.periodMs, actions: e.actions, log: e.log });
  }
}
