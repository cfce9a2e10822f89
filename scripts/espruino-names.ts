// SPDX-License-Identifier: MIT
// Names an Espruino board already has in its global scope. The built file runs its top-level
// statements in that scope (scripts/espruino-output.ts atTopLevel), so none of its own bindings
// may take one of these names: a binding called `D5` or `E` would hide the pin or the `E` object
// from every later lookup, since Espruino looks in the root scope before its built-ins
// (Espruino's src/jsparse.c, jspGetNamedVariable: scopes first, then jswFindBuiltInFunction).
// Pins are globals named by port letter and number (`B3`, `D14`, ../shared/reference/espruino.md
// §7); the ranges below cover every board family in the fact sheet's §6 table (STM32 ports A–H,
// nRF52 D0–D31, ESP32 D0–D39) with room to spare. The short names are the ones that matter:
// terser's generated names are one to three characters long.

/** Espruino's own globals: objects, peripherals and functions (espruino.md §7), and JavaScript's. */
const named = [
  "E", "Pin", "LED", "BTN", "USB", "NRF", "SPI", "I2C", "Serial", "Bluetooth", "LoopbackA", "LoopbackB", "Telnet",
  "Terminal", "Puck", "Pixl", "Bangle", "Wifi", "ESP32", "ESP8266", "Flash", "Modules", "Storage", "Graphics",
  "Waveform", "OneWire", "Nucleo", "process", "console", "global", "require", "load", "save", "reset", "print", "edit",
  "dump", "trace", "echo", "eval", "getTime", "setTime", "getSerial", "setWatch", "clearWatch", "setInterval",
  "setTimeout", "clearInterval", "clearTimeout", "changeInterval", "analogRead", "analogWrite", "digitalRead",
  "digitalWrite", "digitalPulse", "pinMode", "getPinMode", "shiftOut", "peek8", "peek16", "peek32", "poke8", "poke16",
  "poke32", "setBusyIndicator", "setSleepIndicator", "setDeepSleep", "HIGH", "LOW", "btoa", "atob", "arguments",
  "tsbms",
];

/** Every global name the built file's top-level bindings must leave alone. */
export function espruinoGlobalNames(): string[] {
  const names = new Set<string>(named);
  for (const n of Object.getOwnPropertyNames(globalThis)) names.add(n);
  for (let i = 1; i <= 8; i++) {
    for (const p of ["LED", "BTN", "SPI", "I2C", "Serial"]) names.add(`${p}${i}`);
  }
  for (const port of "ABCDEFGH") for (let i = 0; i < 48; i++) names.add(`${port}${i}`);
  return [...names];
}
