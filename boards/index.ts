// SPDX-License-Identifier: MIT
// Every board the project knows, by name. The first is the default.
import { board as wifi16 } from "./wifi-ltc6813-16s";
import { board as pico12 } from "./pico-ltc6811-12s";
import { board as esp36 } from "./esp32-ltc6813x2-36s";
import { board as nrf16 } from "./mdbt42q-bq76952-16s";
import { board as wifi15 } from "./wifi-bq76940-15s";
import { board as nodemcu12 } from "./nodemcu-esp32-ltc6811-12s";
import type { BoardDefinition } from "./types";

export const boards: BoardDefinition[] = [wifi16, pico12, esp36, nrf16, wifi15, nodemcu12];

export const defaultBoardName = wifi16.name;

/** The board named `name`; throws naming the known boards otherwise. */
export function findBoard(name: string): BoardDefinition {
  for (const b of boards) if (b.name === name) return b;
  throw new Error(`unknown board "${name}"; known boards: ${boards.map((b) => b.name).join(", ")}`);
}
