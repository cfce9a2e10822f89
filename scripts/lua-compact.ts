// SPDX-License-Identifier: MIT
// Makes generated Lua smaller without changing what it does: typescript-to-lua keeps comments and
// four-space indentation, and every byte of the bundle costs NodeMCU flash and, while it loads,
// RAM. A small Lua lexer (Lua 5.3 manual §3.1) copies string literals, long strings and the
// tokens unchanged, drops comments, and shrinks whitespace: a run holding a line break becomes
// one line break (so the lines, and a call's `(` after a line break, stay as they were), a run
// without one becomes one space, or nothing next to a bracket or separator where no two tokens
// could merge.

/** Characters next to which a space between two tokens can go (nothing merges with them). */
const tight = new Set(["(", ")", "{", "}", "]", ",", ";", "="]);
/** Characters that could join a neighbour into another token (`--`, `..`, `==`, `<=`, `[[` …). */
const joining = new Set(["=", "<", ">", "~", "/", ".", "-", ":", "[", "]"]);

/** The length of the long bracket opening at `i` (`[[`, `[==[`), or 0. */
function longOpen(s: string, i: number): number {
  if (s[i] !== "[") return 0;
  let j = i + 1;
  while (s[j] === "=") j++;
  return s[j] === "[" ? j - i + 1 : 0;
}

/** The index just past the long bracket body whose opening at `i` is `open` long. */
function longEnd(s: string, i: number, open: number): number {
  const close = "]" + "=".repeat(open - 2) + "]";
  const end = s.indexOf(close, i + open);
  if (end < 0) throw new Error(`Lua text: unfinished long bracket at offset ${i}`);
  return end + close.length;
}

/** The index just past the quoted string starting at `i`. */
function quotedEnd(s: string, i: number): number {
  const quote = s[i];
  let j = i + 1;
  while (j < s.length && s[j] !== quote) {
    if (s[j] === "\\") j++;
    else if (s[j] === "\n") throw new Error(`Lua text: unfinished string at offset ${i}`);
    j++;
  }
  if (j >= s.length) throw new Error(`Lua text: unfinished string at offset ${i}`);
  return j + 1;
}

/** Whitespace between `prev` and `next` (the characters around it), as short as is safe. */
function gap(prev: string, next: string, lineBreak: boolean): string {
  if (prev === "") return "";
  if (lineBreak) return "\n";
  if ((tight.has(prev) || tight.has(next)) && !(joining.has(prev) && joining.has(next))) return "";
  return " ";
}

/** `lua` without comments and with the least whitespace; strings are copied byte for byte. */
export function compactLua(lua: string): string {
  const out: string[] = [];
  let last = "";
  let pendingSpace = false;
  let pendingBreak = false;
  let i = 0;
  const emit = (text: string): void => {
    if (pendingSpace || pendingBreak) out.push(gap(last, text[0], pendingBreak));
    pendingSpace = false;
    pendingBreak = false;
    out.push(text);
    last = text[text.length - 1];
  };
  while (i < lua.length) {
    const c = lua[i];
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      if (c === "\n") pendingBreak = true;
      else pendingSpace = true;
      i++;
    } else if (c === "-" && lua[i + 1] === "-") {
      const open = longOpen(lua, i + 2);
      if (open > 0) {
        i = longEnd(lua, i + 2, open);
        pendingSpace = true;
      } else {
        const eol = lua.indexOf("\n", i);
        i = eol < 0 ? lua.length : eol;
      }
    } else if (c === '"' || c === "'") {
      const end = quotedEnd(lua, i);
      emit(lua.slice(i, end));
      i = end;
    } else if (longOpen(lua, i) > 0) {
      const end = longEnd(lua, i, longOpen(lua, i));
      emit(lua.slice(i, end));
      i = end;
    } else {
      let j = i + 1;
      while (j < lua.length && !" \t\r\n\"'-[".includes(lua[j])) j++;
      emit(lua.slice(i, j));
      i = j;
    }
  }
  const text = out.join("");
  return text.endsWith("\n") ? text : text + "\n";
}
