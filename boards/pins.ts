// SPDX-License-Identifier: MIT
// Pin name lists, so board checks can tell a real pin from a typo.

/** STM32 GPIO names: port letters × 0..15 ("A0" … "C15"). */
export function stm32Pins(ports: string): string[] {
  const pins: string[] = [];
  for (let p = 0; p < ports.length; p++) {
    for (let n = 0; n < 16; n++) pins.push(ports.charAt(p) + n);
  }
  return pins;
}

/** Espruino ESP32 names its GPIOs D0 … D39. */
export function esp32Pins(): string[] {
  const pins: string[] = [];
  for (let n = 0; n <= 39; n++) pins.push("D" + n);
  return pins;
}

/** nRF52 (MDBT42Q) Espruino names its GPIOs D0 … D31. */
export function nrf52Pins(): string[] {
  const pins: string[] = [];
  for (let n = 0; n <= 31; n++) pins.push("D" + n);
  return pins;
}

/**
 * NodeMCU on the ESP32 names pins by GPIO number; the boards write them "GPIO<n>". GPIO6..11
 * drive the module's flash and GPIO34..39 are inputs only (ESP32 datasheet, pin list), so they
 * are left out or only good for the ADC.
 */
export function nodemcuEsp32Pins(): string[] {
  const pins: string[] = [];
  for (let n = 0; n <= 39; n++) if (n < 6 || n > 11) pins.push("GPIO" + n);
  return pins;
}
