// SPDX-License-Identifier: MIT
// The pseudo-terminal bridge (sim/slcan-pty.ts, socat): a host that opens the ems end talks to the
// SLCAN device running on the bms end, both ways. Needs the Debian package socat.
import { openSync, constants as fsConstants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tty from "node:tty";
import { describe, expect, it } from "vitest";
import { CanStatus } from "../../hal/can";
import { SlcanDevice } from "../../hal/slcan/device";
import { SimClock } from "../../sim/hal/clock";
import { startSlcanPty } from "../../sim/slcan-pty";
import { frame } from "./helpers";

/** The host side: the ems end opened raw, with everything read so far. */
function openHost(path: string) {
  const flags = fsConstants.O_RDWR | fsConstants.O_NOCTTY;
  const input = new tty.ReadStream(openSync(path, flags));
  input.setRawMode(true);
  const output = new tty.WriteStream(openSync(path, flags));
  let text = "";
  let waiter: (() => void) | undefined;
  input.on("data", (b: Buffer) => {
    text += b.toString("latin1");
    waiter?.();
  });
  return {
    write: (s: string) => output.write(Buffer.from(s, "latin1")),
    /** Resolves with everything read once it contains `marker`. */
    until: (marker: string) =>
      new Promise<string>((resolve) => {
        const check = () => {
          if (text.includes(marker)) {
            waiter = undefined;
            resolve(text);
          }
        };
        waiter = check;
        check();
      }),
    close: () => {
      input.destroy();
      output.destroy();
    },
  };
}

describe("SLCAN on a pseudo-terminal", () => {
  it("carries the host's commands to the device and the device's replies and frames back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbms-pty-"));
    const pty = await startSlcanPty({ dir });
    const host = openHost(pty.emsPath);
    try {
      const device = new SlcanDevice({ serial: pty.serial, clock: new SimClock(), receiveQueueLength: 4, bitrateHz: 500000, hardwareVersion: 3, softwareVersion: 4, serialNumber: "PTY1" });
      host.write("C\rS6\rO\rO\rV\rN\rt3058000000000000FF05\r");
      const replies = await host.until("z\r");
      expect(replies).toBe("\x07\r\r\x07V0304\rNPTY1\rz\r");
      expect(device.open).toBe(true);
      const into = frame(0, []);
      expect(device.receive(into)).toBe(CanStatus.ok);
      expect([into.id, into.dlc, into.data[6], into.data[7]]).toEqual([0x305, 8, 0xff, 0x05]);
      expect(device.send(frame(0x351, [0x28, 0x02, 0xe8, 0x03, 0xdc, 0x05, 0xe0, 0x01]))).toBe(CanStatus.ok);
      const all = await host.until("t35182802E803DC05E001\r");
      expect(all.endsWith("z\rt35182802E803DC05E001\r")).toBe(true);
      expect(pty.serial.lastError).toBeUndefined();
    } finally {
      host.close();
      await pty.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the Debian package when socat cannot be found", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbms-pty-"));
    try {
      await expect(startSlcanPty({ dir, socat: join(dir, "no-such-socat") })).rejects.toThrow(/apt-get install -y socat/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
