/**
 * What a body's text holds, read before `JSON.parse`: parsing builds every value first, so a few
 * MB of `[{},{},…]` (millions of objects) or `[[[[…` (millions of arrays) would cost hundreds of
 * MB before the event-count or depth limit could be checked on the parsed value.
 */

/** Depth beyond `maxDepth`, and the number of top-level items (array elements, else 1). */
export interface TextShape {
  tooDeep: boolean;
  /** Elements of a top-level array (counted by its commas); 1 for any other value. */
  items: number;
}

/**
 * One pass, no allocation: counts brackets and top-level commas outside strings.
 * Precondition: none; on text that is not JSON the counts are meaningless but bounded, and
 * `JSON.parse` refuses the text afterwards. Stops at the first level beyond `maxDepth`.
 */
export function jsonTextShape(text: string, maxDepth: number): TextShape {
  let depth = 0;
  let inString = false;
  let commas = 0;
  let sawElement = false;
  let rootIsArray: boolean | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      if (depth === 1) sawElement = true;
    } else if (c === 91 || c === 123) {
      if (depth === 0 && rootIsArray === null) rootIsArray = c === 91;
      else if (depth === 1) sawElement = true;
      if (++depth > maxDepth) return { tooDeep: true, items: 0 };
    } else if (c === 93 || c === 125) depth--;
    else if (depth === 1) {
      if (c === 44) commas++;
      else if (c > 32) sawElement = true;
    }
  }
  return { tooDeep: false, items: rootIsArray ? (sawElement ? commas + 1 : 0) : 1 };
}

/** Lines of NDJSON that hold anything but whitespace (what becomes an event). One pass, no slicing. */
export function countNdjsonLines(text: string): number {
  let count = 0;
  let blank = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (!blank) count++;
      blank = true;
    } else if (blank && c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) blank = false;
  }
  return blank ? count : count + 1;
}
