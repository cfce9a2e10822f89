#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An EMS-side SLCAN client on python-can's own slcan interface (Debian python3-can 4.1).

Connects to a serial device or pseudo-terminal, asks for the version and serial number, sends the
frames given with --send, then receives for --seconds and prints everything as JSON lines:

  {"event": "version", "hardware": 1, "software": 2}
  {"event": "serial", "value": "TSB1"}
  {"event": "tx", "id": 773, "extended": false, "remote": false, "dlc": 8, "data": [0, ...]}
  {"event": "rx", "id": 849, "extended": false, "remote": false, "dlc": 8, "data": [40, ...]}
  {"event": "done", "rx": 20, "tx": 6}

--send takes candump-style frames: 305#0011AABB (3 hex digits: standard ID), 18FF50E5#01
(8 hex digits: extended ID), 305#R or 305#R4 (remote, optional DLC).
Run it with the system python3 so Debian's dist-packages (python3-can) are found.
"""
import argparse
import json
import sys
import time

try:
    import can
except ImportError:
    sys.exit("slcan_client: python-can is missing: install the Debian package python3-can "
             "(apt-get install -y python3-can) and run this with /usr/bin/python3")


def parse_frame(text):
    """candump-style ID#DATA into a can.Message; raises ValueError naming what is wrong."""
    if "#" not in text:
        raise ValueError(f"--send {text!r}: expected ID#DATA")
    ident, payload = text.split("#", 1)
    if len(ident) not in (3, 8):
        raise ValueError(f"--send {text!r}: the ID must have 3 (standard) or 8 (extended) hex digits")
    extended = len(ident) == 8
    arbitration_id = int(ident, 16)
    if payload.upper().startswith("R"):
        dlc = int(payload[1:]) if len(payload) > 1 else 0
        return can.Message(arbitration_id=arbitration_id, is_extended_id=extended,
                           is_remote_frame=True, dlc=dlc)
    if len(payload) % 2 != 0 or len(payload) > 16:
        raise ValueError(f"--send {text!r}: data must be 0..8 bytes as pairs of hex digits")
    data = bytes.fromhex(payload)
    return can.Message(arbitration_id=arbitration_id, is_extended_id=extended, data=data)


def as_json(event, msg):
    return json.dumps({
        "event": event,
        "id": msg.arbitration_id,
        "extended": bool(msg.is_extended_id),
        "remote": bool(msg.is_remote_frame),
        "dlc": msg.dlc,
        "data": list(msg.data) if not msg.is_remote_frame else [],
    })


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--channel", required=True, help="serial device or pty path")
    ap.add_argument("--bitrate", type=int, default=500000)
    ap.add_argument("--seconds", type=float, default=2.0, help="how long to receive")
    ap.add_argument("--send", action="append", default=[], help="frame to send, candump style")
    ap.add_argument("--no-identify", action="store_true", help="skip the V and N queries")
    args = ap.parse_args()
    frames = [parse_frame(t) for t in args.send]

    # sleep_after_open=0: a pty needs no settling time (can-link.md §5). python-can then writes
    # C, S6, O, O and never waits for the replies.
    bus = can.Bus(interface="slcan", channel=args.channel, bitrate=args.bitrate, sleep_after_open=0)
    rx = 0
    try:
        if not args.no_identify:
            hw, sw = bus.get_version(timeout=2.0)
            print(json.dumps({"event": "version", "hardware": hw, "software": sw}), flush=True)
            print(json.dumps({"event": "serial", "value": bus.get_serial_number(timeout=2.0)}), flush=True)
        for msg in frames:
            bus.send(msg)
            print(as_json("tx", msg), flush=True)
        end = time.monotonic() + args.seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            msg = bus.recv(timeout=left)
            if msg is not None:
                rx += 1
                print(as_json("rx", msg), flush=True)
    finally:
        bus.shutdown()
    print(json.dumps({"event": "done", "rx": rx, "tx": len(frames)}), flush=True)


if __name__ == "__main__":
    main()
