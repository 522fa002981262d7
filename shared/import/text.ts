/** Text clean-ups that spreadsheets and Asian-locale exports make necessary. */

// U+FF01–U+FF5E are the full-width forms of ASCII U+0021–U+007E; U+3000 is the ideographic space.
const fullWidthForms = /[\uFF01-\uFF5E\u3000]/g;
const anyFullWidth = /[\uFF01-\uFF5E\u3000]/;

/**
 * Full-width ASCII forms (`１３８`, `＠`, `－`) to their ASCII characters, the ideographic space to a space.
 * Other characters, Chinese text included, are left alone (unlike NFKC, which would also rewrite full-width
 * punctuation in free text).
 *
 * @example toHalfWidth('１３８－００１３') === '138-0013'
 */
export function toHalfWidth(text: string): string {
  // Most values have no full-width character: testing first costs less than a replace that finds none.
  if (!anyFullWidth.test(text)) return text;
  return text.replace(fullWidthForms, (character) =>
    character === '\u3000' ? ' ' : String.fromCharCode(character.charCodeAt(0) - 0xfee0),
  );
}

/** `ann SMITH-jones` → `Ann Smith-Jones`: the first letter of every word upper case, the others lower. */
export function titleCase(text: string): string {
  return text.toLowerCase().replace(/(^|[\s\-'’(])(\p{Ll})/gu, (_match, before: string, letter: string) => {
    return before + letter.toUpperCase();
  });
}
