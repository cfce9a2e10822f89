#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An independent EMS on python-can's slcan interface, speaking to the simulated BMS.

It knows the BMS only through the DBC (canmatrix) and the command rules written in it: AUTOSAR E2E
profile 1 (CRC-8/SAE-J1850, poly 0x1D, init 0, no final XOR, over the frame id low byte, high
byte, then bytes 1..7; alive counter 0..14 in the low nibble of byte 1). The CRC is computed here
and, when Debian's python3-crccheck is installed, checked against that library too.

Sequence (wall time; --period is the EMS's 1 s command period on the accelerated simulation):
  1. open the channel and listen until a 0x351 shows non-zero CCL and DCL;
  2. send a mode request (idle) every period, and a limit request once one was accepted;
  3. one command of each refusal case, then the valid limit request and a fault clear;
  4. keep commanding for --listen seconds, then fall silent (receiving) until the BMS reports the
     link lost and two more 0x351 arrive, --silence seconds at most.

Every line printed is JSON:
  {"event": "open", "t0": ..., "t1": ...}
  {"event": "tx", "case": "bad-crc", "t": ..., "id": 1200, "dlc": 8, "data": [...]}
  {"event": "rx", "t": ..., "id": 849, "dlc": 8, "data": [...], "name": "Limits",
   "signals": {"ChargeVoltageLimit": 55.2, ...}, "named": {...}}   (or "error": "...")
  {"event": "reply", "t": ..., "command_id": 1200, "counter": 3, "result": 0, "refused_total": 0}
  {"event": "done", "rx": ..., "tx": ..., "crccheck": true}
Run it with the system python3 so Debian's python3-can and python3-canmatrix are found.
"""
import argparse
import contextlib
import decimal
import io
import json
import sys
import time

try:
    import can
    # canmatrix prints "ldf is not supported" on import; keep stdout pure JSON.
    with contextlib.redirect_stdout(io.StringIO()):
        import canmatrix
        import canmatrix.formats
except ImportError as e:
    sys.exit(f"ems_client: {e.name} is missing: install the Debian packages python3-can and "
             "python3-canmatrix and run this with /usr/bin/python3")

try:
    import crccheck.crc
    CRCCHECK = True
except ImportError:
    CRCCHECK = False

MODE_REQUEST = 0x4B0
LIMIT_REQUEST = 0x4B1
FAULT_CLEAR = 0x4B2
UNKNOWN_COMMAND = 0x4B5
REPLY = 0x4B8
LIMITS = 0x351


def crc8_j1850(data, crc=0):
    """CRC-8/SAE-J1850 bit by bit: poly 0x1D, MSB first, no reflection, no final XOR."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1D) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def e2e_p01_crc(data_id, payload):
    """P01 mode BOTH: the data ID low byte, high byte, then bytes 1..7 of the frame."""
    covered = bytes([data_id & 0xFF, (data_id >> 8) & 0xFF]) + bytes(payload[1:])
    mine = crc8_j1850(covered)
    if CRCCHECK:
        theirs = crccheck.crc.Crc(8, 0x1D, initvalue=0x00, xor_output=0x00).process(covered).final()
        if theirs != mine:
            raise SystemExit(f"ems_client: CRC mismatch with crccheck over {covered.hex()}: {mine:#04x} vs {theirs:#04x}")
    return mine


def self_test():
    """The catalogue check value and the P01 vectors of can-link.md 7.2."""
    if crc8_j1850(b"123456789", 0xFF) ^ 0xFF != 0x4B:
        raise SystemExit("ems_client: CRC-8/SAE-J1850 check value of '123456789' is not 0x4B")
    for counter, want in ((0, 0xCC), (1, 0x91)):
        got = e2e_p01_crc(0x0123, bytes([0, counter, 0, 0, 0, 0, 0, 0]))
        if got != want:
            raise SystemExit(f"ems_client: P01 vector (data ID 0x0123, counter {counter}) gave {got:#04x}, not {want:#04x}")


def number(v):
    """A canmatrix value as JSON: Decimal → float, text stays text."""
    if isinstance(v, decimal.Decimal):
        return float(v)
    return v


class Ems:
    def __init__(self, bus, db, period):
        self.bus = bus
        self.db = db
        self.period = period
        self.counter = {}
        self.rx = 0
        self.tx = 0
        self.limits_seen = None
        self.limit_raw = None
        self.next_periodic = None

    def frame(self, ident):
        f = self.db.frame_by_id(canmatrix.ArbitrationId(ident))
        if f is None:
            raise SystemExit(f"ems_client: the DBC has no frame {ident:#x}")
        return f

    def next_counter(self, ident):
        """The next alive counter of this command (0..14); the BMS checks each command on its own."""
        return (self.counter.get(ident, -1) + 1) % 15

    def consumed(self, ident, counter):
        self.counter[ident] = counter

    def encode(self, ident, counter, raw, crc_xor=0):
        """An E2E-protected command from raw signal values; crc_xor spoils the CRC on purpose."""
        f = self.frame(ident)
        values = {s.name: 0 for s in f.signals}
        values.update(raw)
        values["AliveCounter"] = counter
        values["Crc"] = 0
        data = bytes(f.encode(values))
        if len(data) != f.size:
            raise SystemExit(f"ems_client: canmatrix encoded {len(data)} bytes for {f.name}, the DBC says {f.size}")
        values["Crc"] = e2e_p01_crc(ident, data) ^ crc_xor
        return bytes(f.encode(values))

    def send(self, case, ident, data):
        msg = can.Message(arbitration_id=ident, is_extended_id=False, data=data)
        self.bus.send(msg)
        self.tx += 1
        print(json.dumps({"event": "tx", "case": case, "t": time.time(), "id": ident, "dlc": len(data), "data": list(data)}), flush=True)

    def command(self, case, ident, raw, consume=True, counter=None, crc_xor=0):
        """Send a command with the next counter (or `counter`); `consume` when the BMS will take it."""
        c = self.next_counter(ident) if counter is None else counter
        self.send(case, ident, self.encode(ident, c, raw, crc_xor))
        if consume:
            self.consumed(ident, c)

    def periodic(self):
        self.command("periodic-mode", MODE_REQUEST, {"RequestedMode": 3})
        if self.limit_raw is not None:
            self.command("periodic-limits", LIMIT_REQUEST, self.limit_raw)

    def receive(self, msg):
        """Decode and print one frame; returns the decoded signals, or None when it did not decode."""
        self.rx += 1
        decoded = None
        event = {"event": "rx", "t": msg.timestamp, "id": msg.arbitration_id, "dlc": msg.dlc,
                 "data": list(msg.data), "extended": bool(msg.is_extended_id), "remote": bool(msg.is_remote_frame)}
        f = None if msg.is_extended_id else self.db.frame_by_id(canmatrix.ArbitrationId(msg.arbitration_id))
        if f is None:
            event["error"] = f"no frame {msg.arbitration_id:#x} in the DBC"
        else:
            event["name"] = f.name
            try:
                decoded = f.decode(bytes(msg.data))
            except Exception as e:  # canmatrix raises DecodingFrameLength and others: report, go on
                event["error"] = f"{type(e).__name__}: {e}"
            else:
                event["signals"] = {n: number(s.phys_value) for n, s in decoded.items()}
                event["named"] = {n: s.named_value for n, s in decoded.items() if isinstance(s.named_value, str)}
                if msg.arbitration_id == LIMITS:
                    self.limits_seen = decoded
                if msg.arbitration_id == REPLY:
                    print(json.dumps({"event": "reply", "t": msg.timestamp,
                                      "command_id": decoded["CommandId"].raw_value,
                                      "counter": decoded["AliveCounter"].raw_value,
                                      "result": decoded["Result"].raw_value,
                                      "refused_total": decoded["RefusedTotal"].raw_value}), flush=True)
        print(json.dumps(event), flush=True)
        return decoded

    def pump(self, seconds, commanding=True, until=None):
        """Receive for `seconds` (or until `until(msg, decoded)` is true), sending the periodic commands when due."""
        end = time.monotonic() + seconds
        while True:
            now = time.monotonic()
            if commanding and (self.next_periodic is None or now >= self.next_periodic):
                self.periodic()
                self.next_periodic = now + self.period
            left = end - now
            if left <= 0:
                return False
            if commanding:
                left = min(left, max(0.0, self.next_periodic - now))
            msg = self.bus.recv(timeout=max(left, 0.001))
            if msg is not None:
                decoded = self.receive(msg)
                if until is not None and decoded is not None and until(msg, decoded):
                    return True

    def wait_for_limits(self, seconds):
        """Listen until a 0x351 with CCL and DCL above 0 (the BMS runs), without commanding."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            msg = self.bus.recv(timeout=0.05)
            if msg is None:
                continue
            self.receive(msg)
            s = self.limits_seen
            if s is not None and s["ChargeCurrentLimit"].raw_value > 0 and s["DischargeCurrentLimit"].raw_value > 0:
                return s
        raise SystemExit(f"ems_client: no 0x351 with CCL and DCL above 0 within {seconds} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--channel", required=True, help="serial device or pty path")
    ap.add_argument("--dbc", required=True, help="firmware/ems/tsbms.dbc")
    ap.add_argument("--bitrate", type=int, default=500000)
    ap.add_argument("--period", type=float, default=0.1, help="command period, wall seconds")
    ap.add_argument("--gap", type=float, default=0.05, help="wall seconds after each test command")
    ap.add_argument("--listen", type=float, default=2.0, help="wall seconds of commanding after the tests")
    ap.add_argument("--silence", type=float, default=3.0, help="most wall seconds of receiving only, at the end")
    args = ap.parse_args()
    self_test()
    with contextlib.redirect_stdout(io.StringIO()):
        db = canmatrix.formats.loadp_flat(args.dbc)

    t0 = time.time()
    # sleep_after_open=0: a pty needs no settling time. python-can writes C, S6, O, O (can-link.md 5).
    bus = can.Bus(interface="slcan", channel=args.channel, bitrate=args.bitrate, sleep_after_open=0)
    print(json.dumps({"event": "open", "t0": t0, "t1": time.time()}), flush=True)
    ems = Ems(bus, db, args.period)
    try:
        limits = ems.wait_for_limits(3.0)
        # Two valid mode requests bring the link up (the BMS's recovery window).
        ems.pump(2.5 * args.period)
        limit_frame = ems.frame(LIMIT_REQUEST)
        ccl = limits["ChargeCurrentLimit"].raw_value
        dcl = limits["DischargeCurrentLimit"].raw_value
        sig = limit_frame.signal_by_name("ChargeCurrentLimit")
        above = int(sig.phys2raw(limits["ChargeCurrentLimit"].phys_value + decimal.Decimal(10)))
        gap = args.gap
        # Each refusal case, then the valid commands. `consume`: the frame passes the E2E check,
        # so the BMS takes its counter even when it refuses the content.
        ems.command("limits-above", LIMIT_REQUEST, {"ChargeCurrentLimit": above, "DischargeCurrentLimit": dcl})
        ems.pump(gap)
        ems.command("bad-crc", MODE_REQUEST, {"RequestedMode": 3}, consume=False, crc_xor=0x5A)
        ems.pump(gap)
        ems.command("repeated-counter", MODE_REQUEST, {"RequestedMode": 3}, counter=ems.counter[MODE_REQUEST])
        ems.pump(gap)
        ems.command("counter-jump", MODE_REQUEST, {"RequestedMode": 3}, consume=False,
                    counter=(ems.counter[MODE_REQUEST] + 5) % 15)
        ems.pump(gap)
        data = bytearray(8)
        data[1] = ems.next_counter(UNKNOWN_COMMAND)
        data[0] = e2e_p01_crc(UNKNOWN_COMMAND, data)
        ems.send("unknown-id", UNKNOWN_COMMAND, bytes(data))
        ems.pump(gap)
        ems.send("wrong-dlc", MODE_REQUEST, ems.encode(MODE_REQUEST, ems.next_counter(MODE_REQUEST), {"RequestedMode": 3})[:6])
        ems.pump(gap)
        ems.command("out-of-range-mode", MODE_REQUEST, {"RequestedMode": 9})
        ems.pump(gap)
        ems.command("counter-15", MODE_REQUEST, {"RequestedMode": 3}, consume=False, counter=15)
        ems.pump(gap)
        ems.command("fault-clear-bad-key", FAULT_CLEAR, {"ClearKey": 0x55})
        ems.pump(gap)
        ems.command("fault-clear", FAULT_CLEAR, {"ClearKey": 0xAA})
        ems.pump(gap)
        ems.limit_raw = {"ChargeCurrentLimit": ccl // 2, "DischargeCurrentLimit": dcl // 2}
        ems.command("limits-valid", LIMIT_REQUEST, ems.limit_raw)
        ems.pump(args.listen)
        # Silence: listen until the BMS says the link is lost (0x4A0 EmsLinkOk 0) and two more
        # 0x351 follow, or --silence seconds at most.
        after_lost = {"lost": False, "limits": 0}

        def link_lost_seen(msg, decoded):
            if msg.arbitration_id == 0x4A0 and decoded["EmsLinkOk"].raw_value == 0:
                after_lost["lost"] = True
            elif after_lost["lost"] and msg.arbitration_id == LIMITS:
                after_lost["limits"] += 1
            return after_lost["limits"] >= 2

        ems.pump(args.silence, commanding=False, until=link_lost_seen)
    finally:
        bus.shutdown()
    print(json.dumps({"event": "done", "rx": ems.rx, "tx": ems.tx, "crccheck": CRCCHECK}), flush=True)


if __name__ == "__main__":
    main()
