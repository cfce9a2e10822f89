// SPDX-License-Identifier: MIT
// The NodeMCU (ESP32, Lua 5.3) module globals hal/nodemcu/ uses, and nothing more, typed for
// typescript-to-lua: @noSelf namespaces are called with `.` (module functions take no self), the
// object types (SPI device, timer, file handle) with `:` as their methods take self (lua.md §4, §8).
// Checked against the NodeMCU dev-esp32 module docs, docs/modules/<module>.md, cited per entry.
// Where a doc leaves a return value open, the module source (components/modules/*.c) is named.
/// <reference types="@typescript-to-lua/language-extensions" />

/** NodeMCU dev-esp32 docs/modules/spi.md "Device Object": made by busmaster:device(). */
interface NodeMcuSpiDevice {
  /** spi.md "spi.master:device:transfer()": cs asserted, txdata sent, "String of ... #txdata length". */
  transfer(data: string): string;
}

/** NodeMCU dev-esp32 docs/modules/spi.md "Bus Master Object". */
interface NodeMcuSpiMaster {
  /** spi.md "spi.master:device()": `cs` optional, `mode` (0-3) and `freq` [Hz] mandatory. */
  device(config: { cs: number; mode: number; freq: number }): NodeMcuSpiDevice;
}

/** @noSelf */
declare namespace spi {
  /** spi.md "spi.master()": `host` one of spi.HSPI, spi.VSPI (SPI1 "not supported yet"). */
  const HSPI: number;
  const VSPI: number;
  /** spi.md "spi.master()": `spi.master(host[, config[, dma]])`, config {sclk, mosi, miso}; DMA defaults to channel 1. */
  function master(host: number, config: { sclk: number; mosi: number; miso: number }): NodeMcuSpiMaster;
}

/** @noSelf */
declare namespace i2c {
  /** i2c.md: "i2c.HW0 ESP32 hardware bus interface 0 ... deferred execution". */
  const HW0: number;
  const HW1: number;
  /** i2c.md "i2c.address()": `direction` i2c.TRANSMITTER (write) or i2c.RECEIVER (read). */
  const TRANSMITTER: number;
  const RECEIVER: number;
  /**
   * i2c.md "i2c.setup()": `i2c.setup(id, pinSDA, pinSCL, speed [,stretchfactor])`; HWx return the
   * timeout in CPU clock cycles. "Calling setup on an already configured hardware interface will
   * cause panic."
   */
  function setup(id: number, sda: number, scl: number, speed: number): number;
  /** i2c.md "i2c.start()": enqueued on HWx, no returned value. */
  function start(id: number): void;
  /** i2c.md "i2c.address()": `i2c.address(id, device_addr, direction [, ack_check_en])`; HWx "always returns true". */
  function address(id: number, device: number, direction: number, ackCheck: boolean): boolean;
  /** i2c.md "i2c.write()": `i2c.write(id, data1 [, ...] [, ack_check_en])`; returns the number of bytes written. */
  function write(id: number, data: string, ackCheck: boolean): number;
  /** i2c.md "i2c.read()": HWx return nothing, the bytes come from transfer(); one read per queue. */
  function read(id: number, count: number): void;
  /** i2c.md "i2c.stop()": enqueued on HWx, no returned value. */
  function stop(id: number): void;
  /**
   * i2c.md "i2c.transfer()": `i2c.transfer(id [, callback] [, to_ms])`; without a callback it runs
   * the queue synchronously and returns `data` (nil "if no read or NACK") and `ack`. `to_ms` bounds
   * the wait (0, the default, is infinite). components/modules/i2c_hw_master.c takes a number in
   * the second place as to_ms, and raises a Lua error on any failure other than a NACK (timeout).
   */
  function transfer(id: number, toMs: number): LuaMultiReturn<[string | undefined, boolean]>;
}

/** @noSelf */
declare namespace uart {
  /** uart.md "uart.setup()": `parity` uart.PARITY_NONE, `stopbits` uart.STOPBITS_1. */
  const PARITY_NONE: number;
  const STOPBITS_1: number;
  /**
   * uart.md "uart.setup()": `uart.setup(id, baud, databits, parity, stopbits, echo_or_pins)`; for a
   * uart other than the console `echo_or_pins` is a table with `tx` and `rx` required. Returns the
   * configured baud rate.
   */
  function setup(id: number, baud: number, databits: number, parity: number, stopbits: number, pins: { tx: number; rx: number }): number;
  /** uart.md "uart.start()": `id` "except console uart"; "true if uart is started". */
  function start(id: number): boolean;
  /**
   * uart.md "uart.on()": `uart.on([id], method, [number/end_char], [function], [run_input])`; for
   * "data", n=0 "will receive every char in buffer", callback `function(data) end`.
   */
  function on(id: number, method: "data", count: number, callback: (this: void, data: string) => void): void;
  /** uart.md "uart.write()": `uart.write(id, data1 [, data2, ...])`, returns nil. */
  function write(id: number, data: string): void;
}

/** @noSelf */
declare namespace gpio {
  /** gpio.md "gpio.config()": `dir` gpio.IN, gpio.OUT or gpio.IN_OUT. */
  const IN: number;
  const OUT: number;
  /** gpio.md "gpio.config()": a table {gpio=x, dir=...}, returns nil. */
  function config(config: { gpio: number; dir: number }): void;
  /** gpio.md "gpio.write()": `gpio.write(pin, level)`, level 1 or 0. */
  function write(pin: number, level: number): void;
  /** gpio.md "gpio.read()": "0 = low, 1 = high". */
  function read(pin: number): number;
}

/** @noSelf */
declare namespace adc {
  /** adc.md: `adc_number` "Only adc.ADC1 now". */
  const ADC1: number;
  /** adc.md "adc.setup()": "reduced to about 1/3.6 (3.9V when VDD_A=3.3V, maximum voltage is limited by VDD_A)". */
  const ATTEN_11db: number;
  /** adc.md "adc.setwidth()": `adc.setwidth(adc_number, bits)`, bits 9/10/11/12, for all ADC1 channels. */
  function setwidth(unit: number, bits: number): void;
  /** adc.md "adc.setup()": `adc.setup(adc_number, channel, atten)`, channel 0..7. */
  function setup(unit: number, channel: number, attenuation: number): void;
  /** adc.md "adc.read()": `adc.read(adc_number, channel)`, "the sampled value (number)". */
  function read(unit: number, channel: number): number;
}

/** tmr.md "tmr Object". */
interface NodeMcuTimer {
  /**
   * tmr.md "tmr.obj:alarm()": `mytmr:alarm(interval_ms, mode, func())`, interval at most 6870947 ms,
   * `func(timer)` gets the timer; "true if the timer was started, false on error".
   */
  alarm(intervalMs: number, mode: number, callback: (this: void, timer: NodeMcuTimer) => void): boolean;
  /** tmr.md "tmr.obj:unregister()": stops the timer and drops its callback, returns nil. */
  unregister(): void;
}

/** @noSelf */
declare namespace tmr {
  /** tmr.md "tmr.obj:alarm()": "tmr.ALARM_AUTO automatically repeating alarm". */
  const ALARM_AUTO: number;
  /** tmr.md "tmr.create()": returns a timer object. */
  function create(): NodeMcuTimer;
}

/**
 * A standard Lua 5.3 file handle (Lua 5.3 manual §6.8). NodeMCU dev-esp32 docs/modules/file.md:
 * "file content manipulation is handled via the standard Lua `io` module" (file.open is gone).
 */
interface LuaFileHandle {
  /** file:read(n): "a string with up to this number of bytes, returning nil on end of file". */
  read(count: number): string | undefined;
  /** file:write(s): "In case of success, this function returns file", otherwise nil and a message. */
  write(data: string): LuaFileHandle | undefined;
  /** file:close(): true, or nil and a message when the buffered data could not be written. */
  close(): boolean | undefined;
}

/** @noSelf */
declare namespace io {
  /** io.open(filename, mode): a file handle, or nil and a message (Lua 5.3 manual §6.8). */
  function open(name: string, mode: string): LuaFileHandle | undefined;
}

/** @noSelf */
declare namespace node {
  /**
   * node.md "node.uptime()": microseconds since boot, as two results `lowbits, highbits`. Only an
   * integer-only build wraps the first at 2^31 µs (35 min); a build with floats returns the low 53
   * bits as a float (components/modules/node.c, node_uptime).
   */
  function uptime(): LuaMultiReturn<[number, number]>;
  /** node.md "node.restart()": "Restarts the chip.", returns nil. */
  function restart(): void;
}

/** Lua's table.concat, to join byte strings into one without a concatenation per byte. */
/** @noSelf */
declare namespace table {
  function concat(list: string[], separator: string, first: number, last: number): string;
}
