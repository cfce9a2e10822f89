// SPDX-License-Identifier: MIT
import { AfeStatus } from "../../hal/afe";
// The LTC6811-1 / LTC6813-1 driver against its bus-level emulator, asserting raw bytes at the
// fact sheet's addresses (afe-chips.md §1) and the readings the firmware gets.
import { describe, expect, it } from "vitest";
import { Ltc681xFrames, pollBytes } from "../../hal/ltc681x/frames";
import { Command, Conversion, Field, mode7kHz } from "../../hal/ltc681x/registers";
import { ntcDeciC, ntcRatioCentiPct, ntcTemperatureDeciC, ntcRatioCentiPctOf, ntcBetaK, ntcPullupOhms, ntcR25Ohms } from "../../hal/ntc";
import { Ltc681x } from "../../hal/ltc681x/driver";
import { pec15Bitwise } from "../../sim/emulators/ltc681x-protocol";
import { Ltc681xChain } from "../../sim/emulators/ltc681x";
import { ntcDividerVolts } from "../../sim/ntc";
import { SimSpiDevice } from "../../sim/hal/bus";
import { Bench, Recorder } from "./ltc681x-bench";

const hex = (s: string): number[] => s.split(" ").map((b) => parseInt(b, 16));
const withPec = (bytes: number[]): number[] => {
  const p = pec15Bitwise(bytes, 0, bytes.length);
  return [...bytes, p >>> 8, p & 0xff];
};

describe("LTC681x command frames on the wire (§1.2–§1.4)", () => {
  it("encodes command codes from the §1.4 formulas into the fact-sheet bytes with their PEC", () => {
    const recorder = new Recorder({ frame: () => undefined });
    const frames = new Ltc681xFrames(new SimSpiDevice(recorder), 1);
    frames.command(Conversion.adcv + mode7kHz * Field.md);
    frames.command(Conversion.adcv + 0 * Field.md);
    frames.command(Conversion.adcv + 1 * Field.md);
    frames.command(Conversion.adcv + 3 * Field.md);
    frames.command(Conversion.adow + mode7kHz * Field.md + Field.pup);
    frames.command(Conversion.adow + mode7kHz * Field.md);
    frames.command(Conversion.adax + mode7kHz * Field.md);
    frames.command(Command.pladc);
    expect(recorder.frames.map((f) => f.mosi)).toEqual(
      ["03 60 F4 6C", "02 60 7C 20", "02 E0 38 06", "03 E0 B0 4A", "03 68 1C 62", "03 28 FB E8", "05 60 D3 A0", "07 14 F3 6C"].map(hex),
    );
  });

  it("starts an LTC6811 by waking it, writing WRCFGA with the worked-example bytes and reading RDCFGA", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [12], thermistorsPerDevice: [0], driver: { underVoltageMv: 3000, overVoltageMv: 4099 } });
    expect(bench.afe.start(0)).toBe(true);
    const f = bench.recorder.frames;
    expect(f[0].mosi).toEqual([0xff]);
    // VUV = 0x752, VOV = 0xA02, REFON, pull-downs off, DCC = 0, DCTO = 0 (§1.5 worked example).
    expect(f[1].mosi).toEqual(hex("00 01 3D 6E FC 52 27 A0 00 00 41 FA"));
    expect(f[2].mosi.slice(0, 4)).toEqual(hex("00 02 2B 0A"));
    // The chip answers its configuration (DTEN reads the pin) with a correct PEC.
    expect(f[2].miso.slice(4)).toEqual(withPec(hex("FE 52 27 A0 00 00")));
    expect(f).toHaveLength(3);
  });

  it("clocks 0xFF after the command of a read or a poll, also right after a write left data in the frame", () => {
    const recorder = new Recorder({ frame: () => undefined });
    const frames = new Ltc681xFrames(new SimSpiDevice(recorder), 2);
    frames.read(Command.rdcva);
    frames.write(Command.wrcfga, hex("FC 52 27 A0 00 00 FC 52 27 A0 00 00"));
    frames.read(Command.rdcfga);
    frames.poll(1);
    frames.read(Command.rdcvb);
    const after = recorder.frames.map((f) => f.mosi.slice(4));
    expect(after[0]).toEqual(new Array(16).fill(0xff));
    expect(after[1]).not.toEqual(new Array(16).fill(0xff));
    expect(after[2]).toEqual(new Array(16).fill(0xff));
    expect(after[3]).toEqual(new Array(pollBytes).fill(0xff));
    expect(after[4]).toEqual(new Array(16).fill(0xff));
  });

  it("writes group B on the LTC6813 with WRCFGB 00 24 B1 9E and reads it back", () => {
    const bench = new Bench({ variant: "ltc6813", cellsPerDevice: [18], thermistorsPerDevice: [0] });
    expect(bench.afe.start(0)).toBe(true);
    const codes = bench.recorder.codes();
    expect(codes).toEqual([-1, Command.wrcfga, Command.wrcfgb, Command.rdcfga, Command.rdcfgb]);
    expect(bench.recorder.frames[2].mosi).toEqual([...hex("00 24 B1 9E"), ...withPec(hex("0F 00 00 00 00 00"))]);
  });

  it("sends the first write block to the TOP device and reads the BOTTOM device first", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [12, 12], thermistorsPerDevice: [0, 0] });
    const mask = new Array<boolean>(24).fill(false);
    mask[12] = true; // cell 1 of the top device
    bench.afe.setBalancing(mask);
    expect(bench.afe.start(0)).toBe(true);
    const write = bench.recorder.frames[2].mosi;
    expect(write).toHaveLength(4 + 16);
    expect(write[4 + 4]).toBe(0x01); // block 0: CFGR4 of the top device has DCC1
    expect(write[12 + 4]).toBe(0x00); // block 1: the bottom device
    expect(bench.chain.getConfig(1)[4]).toBe(0x01);
    expect(bench.chain.getConfig(0)[4]).toBe(0x00);
    bench.tick();
    const rdcva = bench.recorder.frames.find((fr) => fr.mosi[0] === 0x00 && fr.mosi[1] === 0x04);
    expect(rdcva?.mosi.slice(0, 4)).toEqual(hex("00 04 07 C2"));
    const code = (at: number) => rdcva!.miso[at] + 256 * rdcva!.miso[at + 1];
    expect(code(4)).toBe(Math.round(bench.pack.volts[0] * 10000)); // bottom device, cell 1
    expect(code(12)).toBe(Math.round(bench.pack.volts[12] * 10000)); // top device, cell 1
  });

  it("runs one measurement as wake, WRCFGA, WRCFGB, CLRCELL, CLRSTAT, ADCVSC, PLADC…, RDCVA–F, RDSTATA, CLRAUX, ADAX, PLADC…, RDAUXA, RDAUXB", () => {
    const bench = new Bench({ variant: "ltc6813", cellsPerDevice: [16], thermistorsPerDevice: [2] });
    bench.afe.start(0);
    bench.recorder.frames = [];
    const before = { ...bench.spi.counters };
    bench.tick();
    const codes = bench.recorder.codes().filter((c, i, all) => !(c === Command.pladc && all[i - 1] === Command.pladc));
    const adcvsc = Conversion.adcvsc + mode7kHz * Field.md;
    const adax = Conversion.adax + mode7kHz * Field.md;
    expect(codes).toEqual([
      -1,
      Command.wrcfga,
      Command.wrcfgb,
      Command.clrcell,
      Command.clrstat,
      adcvsc,
      Command.pladc,
      Command.rdcva,
      Command.rdcvb,
      Command.rdcvc,
      Command.rdcvd,
      Command.rdcve,
      Command.rdcvf,
      Command.rdstata,
      Command.clraux,
      adax,
      Command.pladc,
      Command.rdauxa,
      Command.rdauxb,
    ]);
    // CLRCELL = 0x711 and CLRSTAT = 0x713 (§1.3), then ADCVSC.
    expect(bench.recorder.frames[3].mosi).toEqual(withPec([0x07, 0x11]));
    expect(bench.recorder.frames[4].mosi).toEqual(withPec([0x07, 0x13]));
    expect(bench.recorder.frames[5].mosi).toEqual(withPec([0x05, 0x67]));
    // The chain said 0x00 while converting and 0xFF at the end of the last poll of each run.
    const polls = bench.recorder.frames.filter((fr) => fr.mosi[0] === 0x07 && fr.mosi[1] === 0x14);
    expect(polls.some((p) => p.miso.at(-1) === 0x00)).toBe(true);
    const bytes = bench.spi.counters.bytes - before.bytes;
    const transactions = bench.spi.counters.transactions - before.transactions;
    expect(bytes).toBe(bench.recorder.frames.reduce((a, fr) => a + fr.mosi.length, 0));
    console.log(`LTC6813 16 cells + 2 NTC: one measure() = ${transactions} transactions, ${bytes} bytes (${polls.length} PLADC polls)`);
    const b2 = new Bench({ variant: "ltc6813", cellsPerDevice: [16], thermistorsPerDevice: [2], driver: { openWireIntervalMs: 10000 } });
    b2.afe.start(0);
    const c0 = { ...b2.spi.counters };
    b2.tick();
    console.log(`  with the open-wire check: ${b2.spi.counters.transactions - c0.transactions} transactions, ${b2.spi.counters.bytes - c0.bytes} bytes`);
  });
});

describe("LTC681x readings against the emulated pack", () => {
  const chains: { variant: "ltc6811" | "ltc6813"; cells: number[]; thermistors: number[] }[] = [
    { variant: "ltc6811", cells: [12], thermistors: [2] },
    { variant: "ltc6811", cells: [12, 9], thermistors: [1, 5] },
    { variant: "ltc6813", cells: [16], thermistors: [2] },
    { variant: "ltc6813", cells: [18, 13], thermistors: [4, 3] },
  ];
  for (const c of chains) {
    it(`reads every cell of ${c.variant} × ${c.cells.length} (${c.cells.join("+")} cells) in chain order, within 0.1 mV`, () => {
      const bench = new Bench({ variant: c.variant, cellsPerDevice: c.cells, thermistorsPerDevice: c.thermistors });
      expect(bench.afe.start(0)).toBe(true);
      const r = bench.tick();
      expect(r.cellsValid).toBe(true);
      expect(r.temperaturesValid).toBe(true);
      r.cellMv.forEach((mv, i) => expect(Math.abs(mv - bench.pack.volts[i] * 1000)).toBeLessThan(0.1));
      // The raw register word of cell 1 of every device sits at its datasheet place.
      let first = 0;
      c.cells.forEach((n, d) => {
        const cva = bench.chain.getRegister(d, "cva");
        expect(Math.abs(cva[0] + 256 * cva[1] - bench.pack.volts[first] * 10000)).toBeLessThanOrEqual(0.5);
        first += n;
      });
      // Sum of cells: SC × 20 or × 30 in 100 µV (§1.5), rounded per device.
      const sumMv = bench.pack.volts.reduce((a, v) => a + v * 1000, 0);
      const stepMv = c.variant === "ltc6813" ? 3 : 2;
      expect(Math.abs(r.stackMv - sumMv)).toBeLessThanOrEqual(stepMv * c.cells.length);
    });
  }

  it("rounds 100 µV codes to the nearest millivolt and keeps the register within one code of the cell", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [3], thermistorsPerDevice: [0] });
    bench.pack.volts.splice(0, 3, 3.30044, 3.30056, 3.2999);
    bench.afe.start(0);
    const r = bench.tick();
    expect(r.cellMv).toEqual([3300, 3301, 3300]);
    // 33004, 33006, 32999 codes of 100 µV, little-endian (§1.2, §1.5).
    expect(bench.chain.getRegister(0, "cva")).toEqual(hex("EC 80 EE 80 E7 80"));
  });

  it("reads temperatures within 0.5 °C from −20 to 60 °C, through GPIO1..5 and the REF ratio", () => {
    const bench = new Bench({ variant: "ltc6813", cellsPerDevice: [10, 10], thermistorsPerDevice: [5, 2], chain: { noiseMv: 0.2, seed: 7 } });
    bench.afe.start(0);
    for (let t = -20; t <= 60; t += 2.5) {
      bench.pack.celsius.forEach((_, k) => (bench.pack.celsius[k] = t + 0.3 * k));
      const r = bench.tick();
      expect(r.temperaturesValid).toBe(true);
      r.temperatureDeciC.forEach((deciC, k) => expect(Math.abs(deciC / 10 - bench.pack.celsius[k])).toBeLessThan(0.5));
    }
  });

  it("keeps its NTC table equal to the beta equation (B 3950 K, R25 10 kΩ, 10 kΩ pull-up)", () => {
    expect([ntcBetaK, ntcR25Ohms, ntcPullupOhms]).toEqual([3950, 10000, 10000]);
    ntcTemperatureDeciC.forEach((deciC, i) => {
      expect(ntcRatioCentiPct[i]).toBe(Math.round(ntcDividerVolts(deciC / 10, 1) * 10000));
    });
    for (let c = -20; c <= 60; c += 0.25) {
      const code = Math.round(ntcDividerVolts(c, 3) * 10000);
      expect(Math.abs(ntcDeciC(ntcRatioCentiPctOf(code, 30000)) / 10 - c)).toBeLessThan(0.2);
    }
  });
});

describe("LTC681x link faults", () => {
  const make = () => {
    const bench = new Bench({ variant: "ltc6813", cellsPerDevice: [16], thermistorsPerDevice: [2], driver: { pecErrorLimit: 3 } });
    expect(bench.afe.start(0)).toBe(true);
    expect(bench.tick().cellsValid).toBe(true);
    return bench;
  };

  it("rejects a reading with a corrupted group, keeps the previous values and counts the PEC error", () => {
    const bench = make();
    const before = bench.reading.cellMv.slice();
    bench.pack.volts[0] += 0.1;
    bench.chain.injectPecErrors(1);
    const r = bench.tick();
    expect(r.cellsValid).toBe(false);
    expect(r.temperaturesValid).toBe(false);
    expect(r.cellMv).toEqual(before);
    expect(bench.afe.diagnostics.pecErrors).toBe(1);
    expect(bench.afe.diagnostics.consecutiveFailures).toBe(1);
    expect(bench.tick().cellMv[0]).toBe(before[0] + 100);
  });

  it("declares the link lost after pecErrorLimit failed measurements in a row, and recovers on the next good one", () => {
    const bench = make();
    bench.chain.injectPecErrors(3);
    bench.tick();
    bench.tick();
    expect(bench.afe.diagnostics.commLost).toBe(false);
    bench.tick();
    expect(bench.afe.diagnostics).toEqual({ pecErrors: 3, consecutiveFailures: 3, commLost: true });
    expect(bench.tick().cellsValid).toBe(true);
    expect(bench.afe.diagnostics).toEqual({ pecErrors: 3, consecutiveFailures: 0, commLost: false });
  });

  it("treats a dropped answer (MISO left high) as a failed read, then reads normally again", () => {
    const bench = make();
    const before = bench.reading.cellMv.slice();
    bench.chain.dropAnswers(1);
    const r = bench.tick();
    expect(r.cellsValid).toBe(false);
    expect(r.cellMv).toEqual(before);
    expect(bench.afe.diagnostics.consecutiveFailures).toBe(1);
    expect(bench.tick().cellsValid).toBe(true);
    expect(bench.afe.diagnostics.consecutiveFailures).toBe(0);
  });

  it("reports nothing valid from a silent chain and counts it towards commLost", () => {
    const bench = make();
    bench.chain.silence(true);
    for (let i = 0; i < 3; i++) {
      const r = bench.tick();
      expect(r.cellsValid || r.temperaturesValid).toBe(false);
    }
    expect(bench.afe.diagnostics.commLost).toBe(true);
    expect(bench.afe.start(bench.clock.nowMs())).toBe(false);
    bench.chain.silence(false);
    expect(bench.tick().cellsValid).toBe(true);
    expect(bench.afe.diagnostics.commLost).toBe(false);
  });

  it("counts a temperature group with a bad PEC: cells stay valid, temperatures do not", () => {
    const bench = make();
    let reads = 0;
    bench.recorder.tamper = (mosi) => {
      if (mosi[0] === 0x00 && mosi[1] === 0x0c && reads++ === 0) bench.chain.injectPecErrors(1);
      return true;
    };
    const r = bench.tick();
    expect(r.cellsValid).toBe(true);
    expect(r.temperaturesValid).toBe(false);
    expect(bench.afe.diagnostics.pecErrors).toBe(1);
  });

  it("treats a used channel that reads 0xFFFF (never converted) as a failed reading, not a PEC error", () => {
    const bench = make();
    bench.chain.silence(true);
    bench.clock.advance(3000); // the chain sleeps and its registers reset to 0xFF
    bench.chain.silence(false);
    bench.recorder.tamper = (mosi) => !(mosi[0] === 0x05 && mosi[1] === 0x67); // ADCVSC lost
    const r = bench.tick();
    expect(r.cellsValid).toBe(false);
    expect(bench.afe.diagnostics.pecErrors).toBe(0);
    expect(bench.afe.diagnostics.consecutiveFailures).toBe(1);
  });

  it("start() fails when a device did not store the configuration (bad data PEC on the way)", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [12, 12], thermistorsPerDevice: [0, 0] });
    bench.recorder.tamper = (mosi) => {
      if (mosi[0] === 0x00 && mosi[1] === 0x01) mosi[4 + 7] ^= 0x02; // PEC of the top device's block
      return true;
    };
    expect(bench.afe.start(0)).toBe(false);
    expect(bench.chain.getConfig(1)[0]).toBe(0xfa); // reset default (DTEN reads 1)
    expect(bench.chain.getConfig(0)[0]).toBe(0xfe);
  });
});

describe("LTC681x open-wire check (§1.7)", () => {
  const cells = [12, 12];
  const run = (wire: number | undefined, noiseMv: number) => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: cells, thermistorsPerDevice: [1, 1], driver: { openWireIntervalMs: 5000 }, chain: { noiseMv, seed: 3 } });
    bench.afe.start(0);
    if (wire !== undefined) bench.chain.openWire(wire, true);
    const r = bench.tick();
    expect(r.cellsValid).toBe(true);
    return { bench, flagged: r.openWire.flatMap((open, i) => (open ? [i] : [])) };
  };

  it("finds no open wire on a healthy chain with noise", () => {
    expect(run(undefined, 0.5).flagged).toEqual([]);
  });

  for (const wire of [0, 1, 6, 11, 12, 13, 23, 24]) {
    it(`flags the cells on both sides of open sense wire ${wire}`, () => {
      const expected = [wire - 1, wire].filter((i) => i >= 0 && i < 24);
      expect(run(wire, 0.3).flagged).toEqual(expected);
    });
  }

  it("checks only every openWireIntervalMs, with ADOW pull-up and pull-down twice each, then measures normally", () => {
    const { bench } = run(6, 0);
    const adow = (r: Recorder) => r.codes().filter((c) => c === 0x368 || c === 0x328);
    expect(adow(bench.recorder)).toEqual([0x368, 0x368, 0x328, 0x328]);
    // A floating middle node rests between its neighbours in a normal conversion.
    const r = bench.reading;
    expect(Math.abs(r.cellMv[5] + r.cellMv[6] - 1000 * (bench.pack.volts[5] + bench.pack.volts[6]))).toBeLessThanOrEqual(1);
    bench.recorder.frames = [];
    bench.tick(4000);
    expect(adow(bench.recorder)).toEqual([]);
    expect(bench.reading.openWire[6]).toBe(true); // the last result stays
    bench.chain.openWire(6, false);
    bench.tick(1000);
    expect(adow(bench.recorder)).toHaveLength(4);
    expect(bench.reading.openWire.some((o) => o)).toBe(false);
  });
});

describe("LTC681x balancing and the emulated watchdog (§1.5, §1.6)", () => {
  it("drives the bleed switches of exactly the requested cells, including group B cells on the LTC6813", () => {
    const bench = new Bench({ variant: "ltc6813", cellsPerDevice: [18, 16], thermistorsPerDevice: [0, 0] });
    bench.afe.start(0);
    const mask = new Array<boolean>(34).fill(false);
    for (const i of [0, 7, 8, 11, 12, 16, 17, 18, 30, 33]) mask[i] = true;
    bench.afe.setBalancing(mask);
    expect(bench.pack.bleed).toEqual(new Array(34).fill(false)); // not before the next write
    bench.tick();
    expect(bench.pack.bleed).toEqual(mask);
    bench.afe.setBalancing([]);
    bench.tick();
    expect(bench.pack.bleed.some((b) => b)).toBe(false);
  });

  it("sleeps after 2.5 s without a command: configuration back to defaults, bleeding off; the next measure restores it", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [12], thermistorsPerDevice: [1] });
    bench.afe.start(0);
    const mask = new Array<boolean>(12).fill(false);
    mask[3] = true;
    bench.afe.setBalancing(mask);
    bench.tick();
    expect(bench.pack.bleed[3]).toBe(true);
    bench.clock.advance(1900);
    expect(bench.chain.isAsleep(0)).toBe(false);
    bench.clock.advance(600);
    expect(bench.chain.isAsleep(0)).toBe(true);
    expect(bench.pack.bleed[3]).toBe(false);
    expect(bench.chain.getConfig(0)).toEqual(hex("FA 00 00 00 00 00"));
    expect(bench.tick().cellsValid).toBe(true);
    expect(bench.pack.bleed[3]).toBe(true);
  });

  it("keeps bleeding through a watchdog sleep while the DCTO timer runs, and stops when it expires", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [12], thermistorsPerDevice: [1], driver: { dischargeTimeoutCode: 1 } });
    bench.afe.start(0);
    const mask = new Array<boolean>(12).fill(false);
    mask[9] = true;
    bench.afe.setBalancing(mask);
    bench.tick();
    bench.clock.advance(2500);
    expect(bench.chain.isAsleep(0)).toBe(true);
    expect(bench.pack.bleed[9]).toBe(true);
    bench.clock.advance(28000); // 0.5 min after the last WRCFGA (§1.5 DCTO = 1)
    bench.chain.update();
    expect(bench.pack.bleed[9]).toBe(false);
  });

  it("a sleeping chain ignores a command until woken, and an idle isoSPI port loses the first frame", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [12], thermistorsPerDevice: [0] });
    const frames = new Ltc681xFrames(bench.spi, 1);
    expect(frames.read(Command.rdcfga)).toBe(1); // asleep: the frame only wakes it
    expect(bench.chain.isAsleep(0)).toBe(false);
    expect(frames.read(Command.rdcfga)).toBe(0);
    bench.clock.advance(10); // > tIDLE: the port went idle
    expect(frames.read(Command.rdcfga)).toBe(1);
    expect(frames.read(Command.rdcfga)).toBe(0);
  });

  it("ignores a frame whose command PEC is wrong and a write block whose data PEC is wrong", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [12, 12], thermistorsPerDevice: [0, 0] });
    bench.afe.start(0);
    const block = withPec(hex("FC 00 00 00 FF 00"));
    const frame = [0x00, 0x01, 0x3d, 0x6f, ...block, ...block];
    const miso: number[] = [];
    bench.spi.transfer(frame, miso, frame.length);
    expect(bench.chain.rejectedFrames).toBe(1);
    expect(miso.every((b) => b === 0xff)).toBe(true);
    expect(bench.chain.getConfig(0)[4]).toBe(0x00);
    expect(bench.chain.getConfig(1)[4]).toBe(0x00);
    frame[3] = 0x6e;
    frame[4 + 7] ^= 0x04; // top device's data PEC
    bench.spi.transfer(frame, miso, frame.length);
    expect(bench.chain.getConfig(1)[4]).toBe(0x00);
    expect(bench.chain.getConfig(0)[4]).toBe(0xff);
  });

  it("answers PLADC with 0x00 while converting and 0xFF once the conversion time has passed on the bus", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [12], thermistorsPerDevice: [0], chain: { conversionUs: { cellsAll: 2000 } } });
    bench.afe.start(0);
    const frames = new Ltc681xFrames(bench.spi, 1);
    frames.command(Conversion.adcv + mode7kHz * Field.md);
    const poll = [...hex("07 14 F3 6C"), ...new Array<number>(300).fill(0xff)];
    const miso: number[] = [];
    bench.spi.transfer(poll, miso, poll.length);
    // 2 ms at 8 µs per byte: the answer turns from 0x00 to 0xFF about 250 bytes in.
    const firstDone = miso.indexOf(0xff, 4);
    expect(firstDone).toBeGreaterThan(200);
    expect(firstDone).toBeLessThan(260);
    expect(miso.slice(4, firstDone).every((b) => b === 0)).toBe(true);
  });
});

describe("LTC681x emulator registers and options", () => {
  it("reads 0xFF with PEC 66 4C after CLRCELL, and converts the sum of cells on ADSTAT SC", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [12], thermistorsPerDevice: [0] });
    bench.afe.start(0);
    const frames = new Ltc681xFrames(bench.spi, 1);
    frames.command(Conversion.adcv + mode7kHz * Field.md);
    frames.command(Command.clrcell);
    expect(frames.read(Command.rdcva)).toBe(0);
    expect(bench.recorder.frames.at(-1)?.miso.slice(4)).toEqual(hex("FF FF FF FF FF FF 66 4C"));
    bench.clock.advance(5);
    frames.wake();
    frames.command(Conversion.adstat + mode7kHz * Field.md + 1);
    expect(frames.poll(64)).toBe(true);
    expect(frames.read(Command.rdstata)).toBe(0);
    const sum = bench.pack.volts.reduce((a, v) => a + v, 0);
    expect(Math.abs(frames.word(0, 0) - (sum / 20) * 10000)).toBeLessThanOrEqual(0.5);
  });

  const good = () => ({
    variant: "ltc6811" as const,
    devices: 1,
    port: { cellVolts: () => 3.3, setBleed: () => undefined, thermistorCelsius: () => 25 },
    cellsPerDevice: [12],
    thermistorsPerDevice: [0],
    clock: { nowMs: () => 0 },
    hz: 1_000_000,
  });
  const bad: [string, Record<string, unknown>][] = [
    ["cellsPerDevice[0]", { cellsPerDevice: [13] }],
    ["cellsPerDevice", { devices: 2 }],
    ["hz", { hz: 2_000_000 }],
    ["port.setBleed", { port: { cellVolts: () => 3, thermistorCelsius: () => 25 } }],
    ["conversionUs.cellsEverything", { conversionUs: { cellsEverything: 5 } }],
  ];
  for (const [name, change] of bad) {
    it(`refuses an emulator option ${name} that is wrong and names it`, () => {
      expect(() => new Ltc681xChain({ ...good(), ...change } as never)).toThrow(`options.${name}`);
    });
  }
});

describe("LTC681x driver options", () => {
  const base = {
    spi: { transfer: () => undefined },
    variant: "ltc6811" as const,
    devices: 1,
    cellsPerDevice: [12],
    thermistorsPerDevice: [2],
    pecErrorLimit: 3,
    openWireIntervalMs: 0,
    underVoltageMv: 2500,
    overVoltageMv: 4200,
    dischargeTimeoutCode: 0,
  };
  const bad: [string, Record<string, unknown>][] = [
    ["variant", { variant: "ltc6804" }],
    ["devices", { devices: 0 }],
    ["cellsPerDevice", { devices: 2 }],
    ["cellsPerDevice[0]", { cellsPerDevice: [13] }],
    ["thermistorsPerDevice[0]", { thermistorsPerDevice: [6] }],
    ["pecErrorLimit", { pecErrorLimit: 0 }],
    ["openWireIntervalMs", { openWireIntervalMs: -1 }],
    ["dischargeTimeoutCode", { dischargeTimeoutCode: 16 }],
    ["underVoltageMv", { underVoltageMv: 7000 }],
    ["overVoltageMv", { overVoltageMv: 2000 }],
  ];
  for (const [name, change] of bad) {
    it(`refuses a bad ${name} and names it`, () => {
      expect(() => new Ltc681x({ ...base, ...change } as never)).toThrow(name);
    });
  }

  it("accepts 18 cells per device on the LTC6813 and counts cells and thermistors over the chain", () => {
    const afe = new Ltc681x({ ...base, variant: "ltc6813", devices: 2, cellsPerDevice: [18, 15], thermistorsPerDevice: [2, 5] });
    expect([afe.cellCount, afe.temperatureCount]).toEqual([33, 7]);
  });
});

describe("LTC681x cell ADC self-test (§1.4 CVST)", () => {
  it("sends CVST at 7 kHz with ST = 1 as 03 27 and passes when every channel reads 0x9555", () => {
    const bench = new Bench({ variant: "ltc6813", cellsPerDevice: [16], thermistorsPerDevice: [2] });
    bench.afe.start(0);
    bench.recorder.frames = [];
    expect(bench.afe.selfTest()).toBe(AfeStatus.ok);
    // 0x207 + MD 2 · 0x80 + ST 1 · 0x20 = 0x327.
    expect(bench.recorder.frames.some((f) => f.mosi[0] === 0x03 && f.mosi[1] === 0x27)).toBe(true);
    expect(bench.chain.getRegister(0, "cva").slice(0, 2)).toEqual([0x55, 0x95]);
  });

  it("fails when the converter does not produce the pattern, and reports a PEC error as a bus problem", () => {
    const bench = new Bench({ variant: "ltc6811", cellsPerDevice: [12], thermistorsPerDevice: [1] });
    bench.afe.start(0);
    bench.tick();
    bench.chain.freeze(true);
    expect(bench.afe.selfTest()).toBe(AfeStatus.failed);
    bench.chain.freeze(false);
    bench.chain.injectPecErrors(1);
    expect(bench.afe.selfTest()).toBe(AfeStatus.commError);
    expect(bench.afe.selfTest()).toBe(AfeStatus.ok);
  });
});
