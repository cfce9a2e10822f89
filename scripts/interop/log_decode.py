#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Read a candump -L log with python-can's can.LogReader and decode every frame with canmatrix.

A second, independent reader of the simulator's log format (sim/can-bus-log.ts). Prints one JSON
line per message and a summary:
  {"event": "rx", "t": 12.3, "channel": "can0", "id": 849, "dlc": 8, "data": [...],
   "name": "Limits", "signals": {...}}      (or "error": "...")
  {"event": "done", "count": 420}
EMS commands (0x4B0..0x4B2) also carry "e2e_ok": whether their AUTOSAR E2E P01 CRC is the one
computed here (CRC-8/SAE-J1850 poly 0x1D, init 0, no final XOR over id low, id high, bytes 1..7).
Run it with the system python3 so Debian's python3-can and python3-canmatrix are found.
"""
import argparse
import contextlib
import decimal
import io
import json
import sys

try:
    import can
    with contextlib.redirect_stdout(io.StringIO()):
        import canmatrix
        import canmatrix.formats
except ImportError as e:
    sys.exit(f"log_decode: {e.name} is missing: install the Debian packages python3-can and "
             "python3-canmatrix and run this with /usr/bin/python3")

COMMANDS = (0x4B0, 0x4B1, 0x4B2)


def crc8_j1850(data):
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1D) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--log", required=True, help="candump -L file (.log)")
    ap.add_argument("--dbc", required=True)
    args = ap.parse_args()
    with contextlib.redirect_stdout(io.StringIO()):
        db = canmatrix.formats.loadp_flat(args.dbc)
    count = 0
    for msg in can.LogReader(args.log):
        count += 1
        event = {"event": "rx", "t": msg.timestamp, "channel": msg.channel, "id": msg.arbitration_id,
                 "extended": bool(msg.is_extended_id), "remote": bool(msg.is_remote_frame),
                 "dlc": msg.dlc, "data": list(msg.data)}
        f = None if msg.is_extended_id else db.frame_by_id(canmatrix.ArbitrationId(msg.arbitration_id))
        if f is None:
            event["error"] = f"no frame {msg.arbitration_id:#x} in the DBC"
        else:
            event["name"] = f.name
            try:
                decoded = f.decode(bytes(msg.data))
            except Exception as e:  # DecodingFrameLength and others: report, go on
                event["error"] = f"{type(e).__name__}: {e}"
            else:
                event["signals"] = {n: float(s.phys_value) if isinstance(s.phys_value, decimal.Decimal) else s.phys_value
                                    for n, s in decoded.items()}
        if msg.arbitration_id in COMMANDS and len(msg.data) == 8:
            ident = msg.arbitration_id
            event["e2e_ok"] = crc8_j1850(bytes([ident & 0xFF, ident >> 8]) + bytes(msg.data[1:])) == msg.data[0]
        print(json.dumps(event))
    print(json.dumps({"event": "done", "count": count}))


if __name__ == "__main__":
    main()
