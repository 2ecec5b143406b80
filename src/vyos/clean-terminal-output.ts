/**
 * A PTY hands back what a terminal would draw: colour codes, erase-line, keypad modes, window
 * titles and CRLF. Parsers and transcripts want plain lines.
 */

/* eslint-disable no-control-regex -- matching terminal control bytes is the point of this file */
// CSI sequences (ESC[…m, ESC[K, ESC[?1h), OSC titles (ESC]0;…BEL or ESC\), charset selects,
// and the two-byte keypad/other escapes (ESC=, ESC>, ESC7…).
const CSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
const CHARSET = /\x1b[()][A-Za-z0-9]/g;
const SHORT_ESC = /\x1b[=>78DEHMNOZc]/g;
// Once CRLF is LF, a stray CR and any other control byte except tab and newline are noise.
const CR_OR_OTHER_CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

export function stripEscapeCodes(text: string): string {
  // Every sequence starts with ESC; the session checks each chunk's tail for a prompt, so the
  // common case (no escape at all) is one scan instead of four.
  if (!text.includes('\x1b')) return text;
  return text.replace(OSC, '').replace(CSI, '').replace(CHARSET, '').replace(SHORT_ESC, '');
}

/** Escape codes gone, CRLF (and CR CR LF from some PTYs) as LF, stray CRs and controls dropped. */
export function cleanTerminalOutput(text: string): string {
  if (typeof text !== 'string') return '';
  return stripEscapeCodes(text).replace(/\r+\n/g, '\n').replace(CR_OR_OTHER_CONTROL, '');
}
