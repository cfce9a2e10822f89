// SPDX-License-Identifier: MIT
// Cuts the incoming byte stream into SLCAN lines, one byte at a time, in a buffer allocated once.
// Lines end in CR (§5 of ../shared/reference/can-link.md); LF ends a line too, so CRLF from a
// terminal gives one line and an ignored empty one.
//
// Resynchronisation: a valid line is one command letter followed only by hex digits (§5). So
//  - a line whose first char is no command letter, or that holds a non-hex char later, is garbage:
//    its remaining chars are not stored and it is rejected at its terminator;
//  - a command letter that is not a hex digit (everything but C and F, chars.ts startsLine) seen
//    inside a line starts a new line at once, rejecting what came before. A frame that follows
//    garbage or a cut-off line with no CR between them is therefore still read.
//  - a line longer than the buffer is discarded up to its terminator (or the next such letter).
import { byteArray } from "../../firmware/alloc";
import { CharClass, charClass } from "./chars";

/**
 * Chars kept per line: the longest valid line is `T` + 8 ID + DLC + 16 data = 26 chars (§5); a
 * little more leaves room for a host that appends a timestamp, which is then rejected by length.
 */
export const lineCapacity = 32;

/** What a byte completed. */
export const LineEvent = {
  /** Nothing yet. */
  none: 0,
  /** A line is ready in `chars[0 … length−1]`: execute it. */
  line: 1,
  /** A garbage, cut-off or overlong line ended: answer BEL. */
  rejected: 2,
} as const;
export type LineEvent = (typeof LineEvent)[keyof typeof LineEvent];

export class SlcanLineReader {
  /** The current line, `chars[0 … length−1]`; after a `line` event valid until the next push. */
  readonly chars: number[] = byteArray(lineCapacity, 0);
  length = 0;
  /** The last push completed a line: the next one starts afresh. */
  private complete = false;
  /** The current line can no longer be valid; its chars are not stored. */
  private bad = false;
  private overlong = false;
  /** Lines rejected because they outgrew the buffer. */
  overlongLines = 0;
  /** Lines rejected for any reason (garbage, cut off, overlong). */
  rejectedLines = 0;

  private reject(): LineEvent {
    this.rejectedLines++;
    if (this.overlong) this.overlongLines++;
    this.bad = false;
    this.overlong = false;
    this.length = 0;
    return LineEvent.rejected;
  }

  /** Feed one byte (0..255). A `rejected` event from a letter also starts the next line. */
  push(code: number): LineEvent {
    if (this.complete) {
      this.complete = false;
      this.length = 0;
    }
    const kind = charClass[code];
    if (kind === CharClass.terminator) {
      if (this.bad) return this.reject();
      // An empty line (the LF of CRLF, or a CR sent to flush the device) gets no reply.
      if (this.length === 0) return LineEvent.none;
      this.complete = true;
      return LineEvent.line;
    }
    if (this.length > 0 || this.bad) {
      if (kind === CharClass.lineStart) {
        const event = this.reject();
        this.chars[0] = code;
        this.length = 1;
        return event;
      }
      if (this.bad) return LineEvent.none;
      if (kind === CharClass.garbage) {
        this.bad = true;
        return LineEvent.none;
      }
      if (this.length >= lineCapacity) {
        this.bad = true;
        this.overlong = true;
        return LineEvent.none;
      }
      this.chars[this.length] = code;
      this.length++;
      return LineEvent.none;
    }
    // First char of a line: a command letter or it is garbage.
    if (kind === CharClass.lineStart || kind === CharClass.hexCommand) {
      this.chars[0] = code;
      this.length = 1;
    } else {
      this.bad = true;
    }
    return LineEvent.none;
  }
}
