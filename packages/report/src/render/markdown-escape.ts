// User-controlled text in Markdown must stay text: no raw HTML, no links or images, no structure.

/** HTML never reaches the Markdown: `<`, `>` and `&` become entities (a renderer shows them literally). */
function escapeHtmlCharacters(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * One line of literal text: HTML characters as entities, and the Markdown punctuation that
 * makes links, images, code spans, emphasis and table cells (\ ` * _ ~ [ ] | #) backslash-escaped.
 * Newlines become spaces, so a title or a cell can never start a new block.
 */
export function escapeMarkdownInline(text: string): string {
  return escapeHtmlCharacters(text.replace(/\r\n?|\n/g, ' ')).replace(/[\\`*_~[\]|#]/g, '\\$&');
}

/** A table cell: inline text (a `|` cannot split the cell, a newline cannot end the row). */
export function escapeMarkdownCell(text: string): string {
  return escapeMarkdownInline(text);
}

/**
 * Paragraph text that keeps its line breaks: every line escaped as inline text, and a line that
 * would start a block (list item, heading, quote, setext underline, ordered item) escaped at its start.
 */
export function escapeMarkdownText(text: string): string {
  return text
    .split(/\r\n?|\n/)
    .map((line) =>
      escapeMarkdownInline(line)
        .replace(/^(\s*)([-+=])/, '$1\\$2')
        .replace(/^(\s*\d+)([.)])/, '$1\\$2'),
    )
    .join('\n');
}

/** A fenced code block whose fence is longer than any run of backticks in `code`, so the code cannot close it. */
export function markdownCodeBlock(code: string, language = ''): string {
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language.replace(/[^\w-]/g, '')}\n${code}\n${fence}`;
}
