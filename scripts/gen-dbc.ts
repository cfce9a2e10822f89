// SPDX-License-Identifier: MIT
// Writes firmware/ems/tsbms.dbc, the description of every frame on the EMS link, from
// scripts/dbc/. The committed .dbc is the artefact tools and tests read; regenerate it after a change
// here (`npx tsx scripts/gen-dbc.ts`), or check it is current (`--check`, exit 1 when stale).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { detailMessages } from "./dbc/detail";
import { inverterMessages } from "./dbc/inverter";
import { renderDbc } from "./dbc/model";
import type { DatabaseDef } from "./dbc/model";

export const dbcPath = join(import.meta.dirname, "..", "firmware", "ems", "tsbms.dbc");

export const database: DatabaseDef = {
  version: "tsbms-ems-1",
  comment:
    "tsbms EMS link: classic CAN 2.0A, 11-bit ids, 500 kbit/s, every field little-endian (Intel). Inverter profile 0x351-0x35F (CAN-bus BMS frames of SMA, Victron and Pylontech-compatible inverters); detailed profile 0x4A0-0x4A6 and the command reply 0x4B8; EMS commands 0x4B0-0x4B2 with an AUTOSAR E2E profile 1 CRC and alive counter. A multiplexed frame sends each multiplexor value in use once per its cycle time.",
  bitrate: 500000,
  messages: [...inverterMessages, ...detailMessages],
};

export function generateDbc(): string {
  return renderDbc(database);
}

function main(argv: string[]): number {
  const text = generateDbc();
  if (argv.includes("--check")) {
    let current: string;
    try {
      current = readFileSync(dbcPath, "utf8");
    } catch {
      current = "";
    }
    if (current !== text) {
      console.error(`${dbcPath} is stale: run npx tsx scripts/gen-dbc.ts`);
      return 1;
    }
    console.log(`${dbcPath} is current`);
    return 0;
  }
  writeFileSync(dbcPath, text);
  console.log(`wrote ${dbcPath} (${database.messages.length} frames, ${database.messages.reduce((n, m) => n + m.signals.length, 0)} signals)`);
  return 0;
}

if (process.argv[1] !== undefined && process.argv[1].endsWith("gen-dbc.ts")) process.exitCode = main(process.argv.slice(2));
