/** Text for a chart label on one line: Vega-Lite copies axis titles into expressions, where a raw newline is a parse error. */
export function oneLine(text: string): string {
  return text.replace(/\s*(?:\r\n?|\n)\s*/g, ' ');
}
