// SPDX-License-Identifier: MIT
// The AFE's own protection status, mapped onto the firmware's fault table rows, so a FET the
// chip opened by itself shows up as that row's fault with the chip named as the cause
// (EventKind.faultSet, FaultCause.chip).
import type { AfeChipFaults } from "../hal/afe";
import { FaultId, faultCount } from "./fault-ids";

/** An all-clear AfeChipFaults (made once). */
export function createChipFaults(): AfeChipFaults {
  return {
    cellOv: false,
    cellUv: false,
    chargeOc: false,
    dischargeOc: false,
    shortCircuit: false,
    overTemperature: false,
    underTemperature: false,
    deviceError: false,
    chargeOn: false,
    dischargeOn: false,
  };
}

/**
 * Writes the chip's flags into `rows` (per FaultId). The contract merges charge and discharge
 * over-temperature: it goes to the discharge OT row, which opens both paths (firmware/faults.ts),
 * the safe reading of "too hot" whatever the direction. Under-temperature goes to the charge UT
 * row: charging is what a cold cell must not take (lithium plating, cells-and-limits.md §8).
 * deviceError is handled by the shell (restart, then the AFE row when it persists).
 */
export function mapChipFaults(chip: AfeChipFaults, rows: boolean[]): void {
  for (let id = 0; id < faultCount; id++) rows[id] = false;
  rows[FaultId.cellOv] = chip.cellOv;
  rows[FaultId.cellUv] = chip.cellUv;
  rows[FaultId.chargeOc] = chip.chargeOc;
  rows[FaultId.dischargeOc] = chip.dischargeOc;
  rows[FaultId.shortCircuit] = chip.shortCircuit;
  rows[FaultId.dischargeOt] = chip.overTemperature;
  rows[FaultId.chargeUt] = chip.underTemperature;
}
