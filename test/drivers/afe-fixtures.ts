// SPDX-License-Identifier: MIT
// Empty contract records for the driver tests: a reading's buffers, the chip's protection status
// and the limits, made the way the firmware makes them (firmware/chip-faults.ts, afe-limits.ts).
import type { AfeChipFaults, AfeLimits, AfeReading } from "../../hal/afe";
import { createAfeLimits } from "../../firmware/afe-limits";
import { createChipFaults } from "../../firmware/chip-faults";

export function newReading(cells: number, temperatures: number): AfeReading {
  return {
    cellMv: new Array<number>(cells).fill(0),
    stackMv: 0,
    currentMa: 0,
    currentValid: false,
    temperatureDeciC: new Array<number>(temperatures).fill(0),
    cellsValid: false,
    temperaturesValid: false,
    openWire: new Array<boolean>(cells).fill(false),
  };
}

export function newFaults(): AfeChipFaults {
  return createChipFaults();
}

export function zeroLimits(): AfeLimits {
  return createAfeLimits();
}
