/**
 * Blessed tag syntax (`{bold}`, `{/}`, `{red-fg}`...) in data must show literally.
 * Pure string function; blessed itself is imported only by tui/.
 */

/**
 * Escapes `{` as `{open}` and `}` as `{close}`, the escapes blessed's tag parser understands
 * (the same as blessed's own `escape` helper). Apply it last, to already safe text.
 */
export function escapeBlessedTags(text: string): string {
  if (text.indexOf('{') < 0 && text.indexOf('}') < 0) return text;
  return text.replace(/[{}]/g, (ch) => (ch === '{' ? '{open}' : '{close}'));
}
