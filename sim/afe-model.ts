// SPDX-License-Identifier: MIT
// The emulated AFE of a board, whatever its family, behind one face the rig and the scenarios
// use: attach it to the simulated bus, advance its own timers, read the FETs it drives, and
// inject the bus and chip faults of a scenario (silence/NACK, PEC/CRC errors, dropped answers,
// a chip reset, a frozen measurement, an open sense wire).
import type { BoardDefinition, Bq769x0AfeDefinition, Bq76952AfeDefinition, Ltc681xAfeDefinition } from "../boards/types";
import type { BusCounters } from "./hal/bus";
import type { SimPlatform } from "./hal/platform";
import { Bq76952Emulator } from "./emulators/bq76952";
import { Bq769x0Emulator } from "./emulators/bq769x0";
import { Ltc681xChain } from "./emulators/ltc681x";
import { Rng } from "./rng";

/** What the chip sees of the pack (the rig's pack model), as the emulators' ports want it. */
export interface AfePort {
  cellVolts(i: number): number;
  setBleed(i: number, on: boolean): void;
  thermistorCelsius(k: number): number;
  packCurrentMa(): number;
}

export type AfeFamily = "ltc681x" | "bq76952" | "bq769x0";

export interface SimAfe {
  readonly family: AfeFamily;
  /** Bytes and transactions on the AFE's bus since start. */
  busCounters(): BusCounters;
  /** Advance the chip's own timers (conversions, protection delays) to the sim clock. */
  update(): void;
  /** The FETs the chip drives (true = on), or undefined when the board's pins drive them. */
  fets(): { charge: boolean; discharge: boolean } | undefined;
  /** No answer at all: LTC681x MISO stays high, an I2C chip NACKs its address. */
  silence(on: boolean): void;
  /** Corrupt the checksum (PEC15 or CRC-8) of the next `count` answers. */
  checksumErrors(count: number): void;
  /** Leave the next `count` read commands unanswered (LTC681x only). */
  dropAnswers(count: number): void;
  /** A power-on reset: configuration lost, FETs off. */
  reset(): void;
  /** The measurement loop hangs: readings hold their last values. */
  frozen(on: boolean): void;
  openWire(wire: number, open: boolean): void;
  /** The emulator object itself, for tests that reach for chip-specific hooks. */
  readonly chip: Ltc681xChain | Bq76952Emulator | Bq769x0Emulator;
}

/** Temperature an open thermistor appears to have: its divider reads the full reference. */
export const openThermistorCelsius = -150;

/**
 * Open sense wires of an I2C chip, applied to what its inputs see. Wire w is the tap between
 * cell w − 1 and cell w (0 = pack minus, cells = pack plus). An open tap floats to the one below
 * through the input filter and the bleed path: the cell under it reads ≈ 0 and the cell over it
 * reads both (the LTC681x emulator models its own ADOW behaviour instead).
 */
class OpenWires {
  readonly open: boolean[];
  constructor(private readonly cells: number) {
    this.open = new Array<boolean>(cells + 1).fill(false);
  }
  volts(port: AfePort, i: number): number {
    if (this.open[i + 1] || (i === 0 && this.open[0])) return 0;
    if (this.open[i] && i > 0) return port.cellVolts(i) + port.cellVolts(i - 1);
    return port.cellVolts(i);
  }
  set(wire: number, on: boolean): void {
    if (!Number.isInteger(wire) || wire < 0 || wire > this.cells) throw new Error(`openWire wire: ${wire} is outside 0..${this.cells}`);
    this.open[wire] = on;
  }
}

/**
 * The current a TI chip's coulomb counter sees: the true current through a real sense path, with
 * a board offset, a gain error and noise (cells-and-limits.md §12.1: tens of mA of offset on a
 * shunt path; charger ripple and converter noise of a few LSB). The noise is drawn once per
 * 250 ms, the counter's conversion window: per-call noise would average away inside the window
 * and leave a constant-current charge reading the same mA for minutes, which the firmware
 * rightly calls a stuck sensor.
 */
function sensedCurrent(port: AfePort, platform: SimPlatform, seed: number): () => number {
  const rng = new Rng(seed);
  const offsetMa = rng.uniformBetween(-5, 5);
  const gain = 1 + rng.uniformBetween(-0.002, 0.002);
  let noiseMa = 0;
  let windowEndMs = -1;
  return () => {
    const now = platform.clock.nowMs();
    if (now >= windowEndMs) {
      noiseMa = rng.normal(0, 5);
      windowEndMs = now + 250;
    }
    return port.packCurrentMa() * gain + offsetMa + noiseMa;
  };
}

function ltc681x(platform: SimPlatform, a: Ltc681xAfeDefinition, port: AfePort, seed: number): SimAfe {
  const chain = new Ltc681xChain({
    variant: a.type,
    devices: a.devices,
    cellsPerDevice: a.cellsPerDevice,
    thermistorsPerDevice: a.thermistorsPerDevice,
    clock: platform.clock,
    hz: a.hz,
    seed,
    port,
  });
  platform.attachSpi(a.spiBus, a.select, chain);
  const none: BusCounters = { transactions: 0, bytes: 0 };
  return {
    family: "ltc681x",
    // The SPI device is opened when the firmware is wired, after this.
    busCounters: () => platform.spiDevices.get(`${a.spiBus}/${a.select}`)?.counters ?? none,
    chip: chain,
    update: () => chain.update(),
    fets: () => undefined,
    silence: (on) => chain.silence(on),
    checksumErrors: (n) => chain.injectPecErrors(n),
    dropAnswers: (n) => chain.dropAnswers(n),
    reset: () => chain.reset(),
    // An LTC681x converts on command: a hung chip answers with its last registers. Modelled as
    // the analog front holding its inputs.
    frozen: (on) => chain.freeze(on),
    openWire: (wire, open) => chain.openWire(wire, open),
  };
}

function bq76952(platform: SimPlatform, board: BoardDefinition, a: Bq76952AfeDefinition, port: AfePort, seed: number): SimAfe {
  const wires = new OpenWires(board.pack.seriesCount);
  const current = sensedCurrent(port, platform, seed + 100);
  const chip = new Bq76952Emulator({
    port: {
      cellVolts: (i) => wires.volts(port, i),
      setBleed: (i, on) => port.setBleed(i, on),
      thermistorCelsius: (k) => port.thermistorCelsius(k),
      packCurrentMa: current,
    },
    cells: board.pack.seriesCount,
    crc: a.crc,
    clock: platform.clock,
    seed,
    noiseMv: 1,
    address: a.address,
    cellChannels: a.cellChannels,
    thermistors: a.thermistors,
    shuntMicroOhm: a.shuntMicroOhm,
  });
  return i2cAfe("bq76952", platform, a.i2cBus, a.address, chip, wires);
}

function bq769x0(platform: SimPlatform, board: BoardDefinition, a: Bq769x0AfeDefinition, port: AfePort, seed: number): SimAfe {
  const wires = new OpenWires(board.pack.seriesCount);
  const current = sensedCurrent(port, platform, seed + 100);
  const chip = new Bq769x0Emulator({
    variant: a.type,
    cells: board.pack.seriesCount,
    address: a.address,
    shuntMicroOhm: a.shuntMicroOhm,
    port: {
      cellVolts: (i) => wires.volts(port, i),
      setBleed: (i, on) => port.setBleed(i, on),
      thermistorCelsius: (k) => port.thermistorCelsius(k),
      packCurrentMa: current,
    },
    clock: platform.clock,
    seed,
    noiseMv: 1,
  });
  return i2cAfe("bq769x0", platform, a.i2cBus, a.address, chip, wires);
}

function i2cAfe(family: AfeFamily, platform: SimPlatform, busName: string, address: number, chip: Bq76952Emulator | Bq769x0Emulator, wires: OpenWires): SimAfe {
  const bus = platform.i2cBus(busName);
  bus.attach(address, chip);
  return {
    family,
    busCounters: () => bus.counters,
    chip,
    update: () => chip.update(),
    fets: () => chip.fetState(),
    silence: (on) => (on ? bus.detach(address) : bus.attach(address, chip)),
    checksumErrors: (n) => chip.setCrcErrors(n),
    dropAnswers: () => {
      throw new Error(`droppedAnswers: an I2C ${family} either answers or NACKs; use afeSilence or crcErrors`);
    },
    reset: () => chip.reset(),
    frozen: (on) => chip.frozen(on),
    openWire: (wire, open) => wires.set(wire, open),
  };
}

/**
 * The charge (or discharge) path conducts: the FET the chip drives, or the board's switch pin at
 * its on level (`pinLevel` reads a pin of whatever platform the firmware runs on).
 */
export function pathConducts(afe: SimAfe, board: BoardDefinition, pinLevel: (pin: string) => number | undefined, charge: boolean): boolean {
  const fets = afe.fets();
  if (fets !== undefined) return charge ? fets.charge : fets.discharge;
  const s = board.switches;
  return s !== undefined && pinLevel(charge ? s.chargePin : s.dischargePin) === s.onLevel;
}

/** The emulated AFE of `board`, attached to its bus on `platform`. */
export function createSimAfe(platform: SimPlatform, board: BoardDefinition, port: AfePort, seed: number): SimAfe {
  const a = board.afe;
  switch (a.type) {
    case "ltc6811":
    case "ltc6813":
      return ltc681x(platform, a, port, seed);
    case "bq76952":
      return bq76952(platform, board, a, port, seed);
    default:
      return bq769x0(platform, board, a, port, seed);
  }
}
