// SPDX-License-Identifier: MIT
// A test rig for one board: the pack model wired to the emulated chips on the simulated platform,
// and the unchanged firmware wired to that platform exactly as it is on the board.
import type { BoardDefinition } from "../boards/types";
import { wireBoard } from "../firmware/wire";
import type { BmsShell } from "../firmware/shell";
import { Ltc681xChain } from "./emulators/ltc681x";
import { PackModel } from "./pack";
import { CurrentSensorModel } from "./current-sensor";
import { SimPlatform } from "./hal/platform";

export interface RigOptions {
  board: BoardDefinition;
  seed: number;
  initialSocPct: number;
  spread: { capacityPct?: number; resistancePct?: number; selfDischargePct?: number; initialSocPct?: number };
  ambientCelsius: number;
}

/** Temperature an open thermistor appears to have: its divider reads the full reference. */
const openThermistorCelsius = -150;

export class Rig {
  readonly board: BoardDefinition;
  readonly platform: SimPlatform;
  readonly pack: PackModel;
  readonly afe: Ltc681xChain;
  readonly currentSensor: CurrentSensorModel;
  readonly shell: BmsShell;
  /** Current through the pack now, mA, positive = charging (what the sensor sees). */
  trueCurrentMa = 0;
  readonly thermistorOpen: boolean[];
  /** Cell each thermistor sits on. */
  readonly thermistorCell: number[];

  constructor(options: RigOptions) {
    const board = options.board;
    this.board = board;
    this.platform = new SimPlatform();
    const cells = board.pack.seriesCount;
    const thermistors = board.pack.temperatureCount;
    this.pack = new PackModel({
      chemistry: board.pack.chemistry,
      seriesCount: cells,
      capacityAh: board.pack.capacityMah / 1000,
      seed: options.seed,
      spread: options.spread,
      initialSocPct: options.initialSocPct,
      ambientCelsius: options.ambientCelsius,
      bleedOhms: board.afe.bleedOhms,
    });
    this.thermistorOpen = new Array<boolean>(thermistors).fill(false);
    // Thermistors spread evenly along the stack.
    this.thermistorCell = Array.from({ length: thermistors }, (_, k) => Math.floor(((k + 0.5) * cells) / thermistors));
    this.afe = new Ltc681xChain({
      variant: board.afe.type,
      devices: board.afe.devices,
      cellsPerDevice: board.afe.cellsPerDevice,
      thermistorsPerDevice: board.afe.thermistorsPerDevice,
      clock: this.platform.clock,
      hz: board.afe.hz,
      seed: options.seed + 1,
      port: {
        cellVolts: (i) => this.pack.cellVolts(i),
        setBleed: (i, on) => this.pack.setBleed(i, on),
        thermistorCelsius: (k) => (this.thermistorOpen[k] ? openThermistorCelsius : this.pack.cellCelsius(this.thermistorCell[k])),
      },
    });
    this.platform.attachSpi(board.afe.spiBus, board.afe.select, this.afe);
    const cs = board.currentSensor;
    this.currentSensor = new CurrentSensorModel({
      seed: options.seed + 2,
      resolutionBits: cs.resolutionBits,
      milliampsPerCount: cs.milliampsPerCount,
      zeroCount: cs.zeroCount,
      // A realistic board measurement path: offset, gain error and noise (cells-and-limits.md §12.1).
      offsetMa: cs.milliampsPerCount / 3,
      gainErrorPermille: 5,
      noiseMa: cs.milliampsPerCount / 2,
    });
    this.platform.attachAnalog(cs.pin, cs.resolutionBits, () => this.currentSensor.rawCount(this.trueCurrentMa));
    this.shell = wireBoard(board, this.platform);
  }

  /** The charge path conducts (its FET is on). */
  chargeOn(): boolean {
    return this.platform.pinLevel(this.board.switches.chargePin) === this.board.switches.onLevel;
  }

  dischargeOn(): boolean {
    return this.platform.pinLevel(this.board.switches.dischargePin) === this.board.switches.onLevel;
  }

  /**
   * The current that can flow for a demanded one: back-to-back FETs block the direction whose FET
   * is off (the other FET's body diode still conducts the opposite way).
   */
  gate(demandMa: number): number {
    if (demandMa > 0 && !this.chargeOn()) return 0;
    if (demandMa < 0 && !this.dischargeOn()) return 0;
    return demandMa;
  }
}
