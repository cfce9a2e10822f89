// SPDX-License-Identifier: MIT
// Every SLCAN command of can-link.md §5 and its Lawicel reply, as the exact characters the host
// sees: CR for OK, BEL for an error, z/Z CR after a frame, Vhhss, Nxxxx, Fxx.
import { describe, expect, it } from "vitest";
import { CanStatus } from "../../hal/can";
import { SlcanStatusBit } from "../../hal/slcan/commands";
import { slcanBitratesHz } from "../../hal/slcan/options";
import { BEL, CR, drain, frame, openRig, rig } from "./helpers";

describe("SLCAN set-up commands while the channel is closed", () => {
  it("S0..S8 select 10k, 20k, 50k, 100k, 125k, 250k, 500k, 800k and 1M and answer CR", () => {
    const { host, device } = rig();
    const seen: number[] = [];
    for (let n = 0; n <= 8; n++) {
      host.type(`S${n}\r`);
      expect(host.take()).toBe(CR);
      seen.push(device.bitrateHz);
    }
    expect(seen).toEqual([10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 1000000]);
    expect(seen).toEqual(slcanBitratesHz);
  });

  it("S9, S with no digit, S with two digits and Sx answer BEL and keep the bitrate", () => {
    const { host, device } = rig();
    host.type("S4\r");
    host.take();
    for (const bad of ["S9", "S", "S66", "SA"]) {
      host.type(bad + "\r");
      expect(host.take(), bad).toBe(BEL);
    }
    expect(device.bitrateHz).toBe(125000);
  });

  it("sxxyy takes four hex digits (SJA1000 BTR0 BTR1) and refuses any other length or digit", () => {
    const { host, device } = rig();
    host.type("s031C\r");
    expect(host.take()).toBe(CR);
    expect(device.btr).toBe(0x031c);
    expect(device.bitrateHz).toBe(0);
    for (const bad of ["s031", "s031C0", "s03G1"]) {
      host.type(bad + "\r");
      expect(host.take(), bad).toBe(BEL);
    }
    host.type("S6\r");
    expect(host.take()).toBe(CR);
    expect(device.btr).toBe(-1);
    expect(device.bitrateHz).toBe(500000);
  });

  it("Z0 and Z1 switch timestamps and answer CR; Z2 and Z answer BEL", () => {
    const { host, device } = rig();
    host.type("Z1\r");
    expect(host.take()).toBe(CR);
    expect(device.timestamps).toBe(true);
    host.type("Z0\r");
    expect(host.take()).toBe(CR);
    expect(device.timestamps).toBe(false);
    host.type("Z2\rZ\r");
    expect(host.take()).toBe(BEL + BEL);
  });

  it("Mxxxxxxxx and mxxxxxxxx are accepted with CR; a short or non-hex argument gets BEL", () => {
    const { host } = rig();
    host.type("M00000000\rmFFFFFFFF\r");
    expect(host.take()).toBe(CR + CR);
    host.type("M0000000\rm0000000G\r");
    expect(host.take()).toBe(BEL + BEL);
  });

  it("refuses every set-up command with BEL while the channel is open, and changes nothing", () => {
    const { host, device } = openRig();
    host.type("S4\rs031C\rZ1\rM00000000\rm00000000\r");
    expect(host.take()).toBe(BEL.repeat(5));
    expect(device.bitrateHz).toBe(500000);
    expect(device.timestamps).toBe(false);
  });
});

describe("SLCAN open, listen-only and close", () => {
  it("O opens with CR, a second O answers BEL (python-can's C, S6, O, O gives BEL, CR, CR, BEL)", () => {
    const { host, device } = rig();
    host.type("C\rS6\rO\rO\r");
    expect(host.take()).toBe(BEL + CR + CR + BEL);
    expect(device.open).toBe(true);
    expect(device.listenOnly).toBe(false);
  });

  it("O works without a prior S: the configured bitrate stands", () => {
    const { host, device } = rig({ bitrateHz: 250000 });
    host.type("O\r");
    expect(host.take()).toBe(CR);
    expect(device.open).toBe(true);
    expect(device.bitrateHz).toBe(250000);
  });

  it("L opens listen-only: the BMS's frames flow, the host's frames are refused with BEL", () => {
    const { host, device } = rig();
    host.type("L\r");
    expect(host.take()).toBe(CR);
    expect(device.listenOnly).toBe(true);
    expect(device.send(frame(0x351, [1, 2]))).toBe(CanStatus.ok);
    expect(host.take()).toBe("t35120102\r");
    host.type("t3050\r");
    expect(host.take()).toBe(BEL);
    expect(drain(device)).toEqual([]);
  });

  it("C closes an open channel with CR and answers BEL when already closed", () => {
    const { host, device } = openRig();
    host.type("C\r");
    expect(host.take()).toBe(CR);
    expect(device.open).toBe(false);
    host.type("C\r");
    expect(host.take()).toBe(BEL);
  });

  it("O, L, C, V, N and F followed by anything answer BEL", () => {
    const { host, device } = rig();
    host.type("O1\rL0\rV0\rN1\rF0\r");
    expect(host.take()).toBe(BEL.repeat(5));
    expect(device.open).toBe(false);
  });
});

describe("SLCAN identification and status", () => {
  it("V answers Vhhss with the versions as two decimal digits each, open or closed", () => {
    const { host } = rig({ hardwareVersion: 7, softwareVersion: 42 });
    host.type("V\r");
    expect(host.take()).toBe("V0742\r");
    host.type("O\rV\r");
    expect(host.take()).toBe("\rV0742\r");
  });

  it("N answers Nxxxx with the configured serial number", () => {
    const { host } = rig({ serialNumber: "A1z9" });
    host.type("N\r");
    expect(host.take()).toBe("NA1z9\r");
  });

  it("F answers BEL while closed and Fxx while open: 00 when idle", () => {
    const { host } = rig();
    host.type("F\r");
    expect(host.take()).toBe(BEL);
    host.type("O\rF\r");
    expect(host.take()).toBe("\rF00\r");
  });

  it("F reports a full host queue and a latched overrun, and reading F clears the overrun only", () => {
    const { host, device } = openRig({ receiveQueueLength: 2 });
    host.type("t1000\rt1010\rt1020\r");
    expect(host.take()).toBe("z\rz\r" + BEL);
    const both = SlcanStatusBit.hostQueueFull | SlcanStatusBit.overrun;
    host.type("F\r");
    expect(host.take()).toBe(`F${both.toString(16).toUpperCase().padStart(2, "0")}\r`);
    host.type("F\r");
    expect(host.take()).toBe(`F0${SlcanStatusBit.hostQueueFull}\r`);
    drain(device);
    host.type("F\r");
    expect(host.take()).toBe("F00\r");
  });

  it("answers BEL to unknown commands (P, X, U1, lowercase o) and to an ID-less frame", () => {
    const { host } = openRig();
    host.type("P\rX\rU1\ro\rt\r");
    expect(host.take()).toBe(BEL.repeat(5));
  });

  it("ignores empty lines: CRLF gives one reply, a CR to flush the device gives none", () => {
    const { host } = rig();
    host.type("\r\r\nV\r\n\n");
    expect(host.take()).toBe("V0123\r");
  });

  it("takes LF alone as a terminator", () => {
    const { host, device } = rig();
    host.type("O\nt1231AB\n");
    expect(host.take()).toBe("\rz\r");
    expect(drain(device).map((f) => f.id)).toEqual([0x123]);
  });

  it("counts executed commands and rejected lines", () => {
    const { host, device } = rig();
    host.type("C\rS6\rO\rO\rV\rt1000\rxx\r");
    expect(device.counters.commands).toBe(4);
    expect(device.counters.rejectedLines).toBe(3);
    expect(device.counters.received).toBe(1);
  });
});
