// SPDX-License-Identifier: MIT
// The simulated hardware behind one board's firmware: the pack model wired to the emulated AFE on
// the simulated platform, the board's current sensor where it has one, and the gating of the pack
// current by the charge and discharge paths. The Rig (TypeScript firmware, sim/rig.ts) and the
// Espruino stand-in (the built file, sim/espruino/standin.ts) both stand on it, so their packs
// and chips are built in the same order from the same seeds and a run of one can be compared
// with a run of the other tick by tick.
import type { BoardDefinition } from "../boards/types";
import { createSimAfe, openThermistorCelsius, pathConducts } from "./afe-model";
import type { SimAfe } from "./afe-model";
import { CurrentSensorModel } from "./current-sensor";
import type { SimPlatform } from "./hal/platform";
import { PackModel } from "./pack";

export interface PackSetup {
  seed: number;
  initialSocPct: number;
  ambientCelsius: number;
  /** The pack's cell-to-cell spread (default: none). */
  spread?: { capacityPct?: number; resistancePct?: number; selfDischargePct?: number; initialSocPct?: number };
}

export class SimHardware {
  readonly pack: PackModel;
  readonly afe: SimAfe;
  /** The board's shunt path on an MCU ADC; undefined where the AFE measures the current. */
  readonly currentSensor: CurrentSensorModel | undefined;
  /** Current through the pack now, mA, positive = charging (what the sensors see). */
  trueCurrentMa = 0;
  /** Thermistors whose wire is open (they read as openThermistorCelsius). */
  readonly thermistorOpen: boolean[];
  /** Cell each thermistor sits on: spread evenly along the stack. */
  readonly thermistorCell: number[];
  /** Cell voltages forced on the AFE's inputs (a fault the pack model cannot make quickly). */
  readonly forcedCellVolts: (number | undefined)[];

  constructor(
    readonly platform: SimPlatform,
    readonly board: BoardDefinition,
    setup: PackSetup,
  ) {
    const cells = board.pack.seriesCount;
    const thermistors = board.pack.temperatureCount;
    this.pack = new PackModel({
      chemistry: board.pack.chemistry,
      seriesCount: cells,
      capacityAh: board.pack.capacityMah / 1000,
      seed: setup.seed,
      spread: setup.spread ?? {},
      initialSocPct: setup.initialSocPct,
      ambientCelsius: setup.ambientCelsius,
      bleedOhms: board.afe.bleedOhms,
    });
    this.forcedCellVolts = new Array<number | undefined>(cells).fill(undefined);
    this.thermistorOpen = new Array<boolean>(thermistors).fill(false);
    this.thermistorCell = Array.from({ length: thermistors }, (_, k) => Math.floor(((k + 0.5) * cells) / thermistors));
    this.afe = createSimAfe(
      platform,
      board,
      {
        cellVolts: (i) => this.forcedCellVolts[i] ?? this.pack.cellVolts(i),
        setBleed: (i, on) => this.pack.setBleed(i, on),
        thermistorCelsius: (k) => (this.thermistorOpen[k] ? openThermistorCelsius : this.pack.cellCelsius(this.thermistorCell[k])),
        packCurrentMa: () => this.trueCurrentMa,
      },
      setup.seed + 1,
    );
    const cs = board.currentSensor;
    this.currentSensor = undefined;
    if (cs !== undefined) {
      const sensor = new CurrentSensorModel({
        seed: setup.seed + 2,
        resolutionBits: cs.resolutionBits,
        milliampsPerCount: cs.milliampsPerCount,
        zeroCount: cs.zeroCount,
        // A realistic board measurement path: offset, gain error and noise (cells-and-limits.md §12.1).
        offsetMa: cs.milliampsPerCount / 3,
        gainErrorPermille: 5,
        noiseMa: cs.milliampsPerCount / 2,
      });
      this.currentSensor = sensor;
      platform.attachAnalog(cs.pin, cs.resolutionBits, () => sensor.rawCount(this.trueCurrentMa));
    }
  }

  /** The level the firmware drives on a pin, or undefined before it drove it. */
  pinLevel(pin: string): number | undefined {
    return this.platform.pinLevel(pin);
  }

  /** The charge path conducts (its FET is on). */
  chargeOn(): boolean {
    return pathConducts(this.afe, this.board, (pin) => this.pinLevel(pin), true);
  }

  dischargeOn(): boolean {
    return pathConducts(this.afe, this.board, (pin) => this.pinLevel(pin), false);
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

  /**
   * One period of the world up to the firmware's tick: the demanded current through the paths,
   * the pack, the clock, then the chip's own timers and protections (they run whether or not the
   * firmware talks to it). `ambientCelsius` defaults to the pack's start ambient.
   */
  advance(demandMa: number, tickMs: number, ambientCelsius?: number): void {
    this.trueCurrentMa = this.gate(demandMa);
    this.pack.step(tickMs / 1000, this.trueCurrentMa / 1000, ambientCelsius);
    this.platform.clock.advance(tickMs);
    this.afe.update();
  }
}
