// SPDX-License-Identifier: MIT
// The Espruino adapter reads an I2C exception's text to tell a silent chip from a broken bus
// (hal/espruino/buses.ts): the nRF5x port's "I2C Write Error <code>" carries the Nordic driver's
// code (0x8201 address NACK, 0x8202 data NACK), other ports name the NACK in words.
import { describe, expect, it } from "vitest";
import { I2cStatus } from "../../hal/hal";
import { i2cErrorStatus } from "../../hal/espruino/buses";

/** Espruino's native errors print as "<Kind>: <message>". */
const internalError = (message: string) => ({ toString: () => `InternalError: ${message}` });

describe("classifying an Espruino I2C exception", () => {
  it("reads the nRF5x driver codes: 33281 is an address NACK, 33282 a data NACK", () => {
    expect(i2cErrorStatus(internalError("I2C Write Error 33281\n"))).toBe(I2cStatus.nackAddress);
    expect(i2cErrorStatus(internalError("I2C Read Error 33281\n"))).toBe(I2cStatus.nackAddress);
    expect(i2cErrorStatus(internalError("I2C Write Error 33282\n"))).toBe(I2cStatus.nackData);
  });

  it("reads the STM32 port's timeouts on the address phase as an address NACK, and its 'not responding' as a bus error", () => {
    expect(i2cErrorStatus(internalError("Timeout on I2C Write Transmit Mode 2"))).toBe(I2cStatus.nackAddress);
    expect(i2cErrorStatus(internalError("Timeout on I2C Read Receive Mode"))).toBe(I2cStatus.nackAddress);
    expect(i2cErrorStatus(new Error("I2C device not responding"))).toBe(I2cStatus.busError);
    expect(i2cErrorStatus(internalError("Timeout on I2C Write BUSY"))).toBe(I2cStatus.busError);
  });

  it("reads a NACK named in words, and calls anything else a bus error", () => {
    expect(i2cErrorStatus(new Error("I2C Error: NACK at 0x8"))).toBe(I2cStatus.nackAddress);
    expect(i2cErrorStatus(internalError("I2CWrite: No ACK 0\n"))).toBe(I2cStatus.nackAddress);
    expect(i2cErrorStatus(internalError("I2C Write Error 33280\n"))).toBe(I2cStatus.busError);
    expect(i2cErrorStatus(internalError("I2C timeout"))).toBe(I2cStatus.busError);
    expect(i2cErrorStatus(undefined)).toBe(I2cStatus.busError);
  });
});
