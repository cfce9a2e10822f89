// SPDX-License-Identifier: MIT
// A stand-in BMS for link tests: the SLCAN device on a serial port, sending one fixed 0x351 frame
// every period while the host has the channel open, and recording every frame the host sends.
// The real simulated BMS replaces it once the EMS encoders drive a CanPort.
import { copyCanFrame, createCanFrame, CanStatus, type CanFrame } from "../hal/can";
import type { Clock, SerialPort } from "../hal/hal";
import { SlcanDevice } from "../hal/slcan/device";

/** 0x351 with CVL 55.2 V, CCL 100.0 A, DCL 150.0 A, DVL 48.0 V: `t35182802E803DC05E001` (can-link.md §5). */
export function demoLimitsFrame(): CanFrame {
  const f = createCanFrame();
  f.id = 0x351;
  f.dlc = 8;
  const bytes = [0x28, 0x02, 0xe8, 0x03, 0xdc, 0x05, 0xe0, 0x01];
  for (let i = 0; i < 8; i++) f.data[i] = bytes[i];
  return f;
}

export interface DemoBms {
  device: SlcanDevice;
  /** Frames the host sent, in order (copies). */
  received: CanFrame[];
  /** Frames handed to the host. */
  sentCount(): number;
  /** Move the frames the device has queued into `received` now rather than at the next period. */
  drain(): void;
  stop(): void;
}

/** Wall-clock milliseconds since the demo started, for the Z1 timestamps. */
function wallClock(): Clock {
  const t0 = performance.now();
  return { nowMs: () => Math.floor(performance.now() - t0) };
}

export function startDemoBms(options: { serial: SerialPort; periodMs?: number; serialNumber?: string }): DemoBms {
  const device = new SlcanDevice({
    serial: options.serial,
    clock: wallClock(),
    receiveQueueLength: 16,
    bitrateHz: 500000,
    hardwareVersion: 1,
    softwareVersion: 2,
    serialNumber: options.serialNumber ?? "TSB1",
  });
  const frame = demoLimitsFrame();
  const received: CanFrame[] = [];
  const into = createCanFrame();
  let sent = 0;
  const drain = (): void => {
    while (device.receive(into) === CanStatus.ok) {
      const copy = createCanFrame();
      copyCanFrame(into, copy);
      received.push(copy);
    }
  };
  const timer = setInterval(() => {
    drain();
    // Refused while the channel is closed: nothing is emitted before the host's O (§5).
    if (device.send(frame) === CanStatus.ok) sent++;
  }, options.periodMs ?? 100);
  return {
    device,
    received,
    sentCount: () => sent,
    drain,
    stop: () => {
      clearInterval(timer);
      drain();
    },
  };
}
