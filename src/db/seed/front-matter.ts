/**
 * The small front-matter dialect of seed/articles/*.md: `key: value` lines between `---` fences, where a
 * value is a "quoted string", a [comma, separated, list] or a bare word. Enough for our own files; not YAML.
 */
export interface Parsed {
  meta: Record<string, string | string[]>;
  body: string;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.startsWith('"') ? (JSON.parse(v) as string) : v.slice(1, -1);
  }
  return v;
}

export function parseFrontMatter(source: string, file: string): Parsed {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source);
  if (!match) throw new Error(`${file}: expected front matter between --- lines at the top`);
  const meta: Record<string, string | string[]> = {};
  for (const [index, line] of (match[1] ?? '').split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`${file}: front matter line ${index + 2} is not "key: value"`);
    const key = line.slice(0, colon).trim();
    // Drop a trailing "(comment)" or "# comment" after a value.
    const raw = line.slice(colon + 1).replace(/\s+#.*$/, '').trim();
    meta[key] = raw.startsWith('[')
      ? raw
          .replace(/^\[|\].*$/g, '')
          .split(',')
          .map(unquote)
          .filter((v) => v !== '')
      : unquote(raw.replace(/\s+\(.*\)$/, ''));
  }
  return { meta, body: (match[2] ?? '').trim() };
}
