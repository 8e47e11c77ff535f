// The `curl -s` examples of a Markdown file, parsed as a shell would read them (quotes, line
// continuations, comments), so a test can send the same requests to the app with supertest.

export interface CurlExample {
  /** 1-based line of the Markdown file where the command starts. */
  line: number;
  text: string;
  method: string;
  /** Path and query, as sent to localhost:3000. */
  target: string;
  headers: Record<string, string>;
  body?: string;
}

/** Shell words of one command, up to a pipe or `;`; `vars` fills `$NAME` and `$(command)` outside single quotes. */
function words(command: string, vars: (name: string) => string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let i = 0;
  const append = (text: string) => {
    word = (word ?? '') + text;
  };
  const substitution = (): string => {
    const match = /^\$\(([^)]*)\)|^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(command.slice(i));
    if (!match) {
      i += 1;
      return '$';
    }
    i += match[0].length;
    return vars(match[1] !== undefined ? `$(${match[1]})` : match[2]!);
  };
  while (i < command.length) {
    const c = command[i]!;
    if (c === '\\' && command[i + 1] === '\n') i += 2;
    else if (/\s/.test(c)) {
      if (word !== null) out.push(word);
      word = null;
      i += 1;
    } else if ('|;&>'.includes(c)) {
      // A pipe or another command follows: only curl's own part is the request.
      break;
    } else if (c === '#' && word === null) {
      while (i < command.length && command[i] !== '\n') i += 1;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${command}`);
      append(command.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      append('');
      while (i < command.length && command[i] !== '"') {
        if (command[i] === '$') append(substitution());
        else {
          append(command[i]!);
          i += 1;
        }
      }
      if (i >= command.length) throw new Error(`unterminated " in: ${command}`);
      i += 1;
    } else if (c === '$') append(substitution());
    else {
      append(c);
      i += 1;
    }
  }
  if (word !== null) out.push(word);
  return out;
}

function toExample(line: number, text: string, args: string[]): CurlExample {
  const headers: Record<string, string> = {};
  let method: string | undefined;
  let body: string | undefined;
  let url: string | undefined;
  for (let i = 1; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '-s') continue;
    if (arg.startsWith('-X')) method = arg.length > 2 ? arg.slice(2) : args[++i];
    else if (arg === '-H') {
      const header = args[++i] ?? '';
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (arg === '-d') body = args[++i];
    else if (arg.startsWith('-')) throw new Error(`line ${line}: curl option ${arg} is not understood by this test`);
    else url = arg;
  }
  const target = url?.replace(/^(https?:\/\/)?localhost:3000/, '');
  if (!target?.startsWith('/')) throw new Error(`line ${line}: no localhost:3000 URL in: ${text}`);
  // As curl does: -d makes it a POST, sent as a form unless a Content-Type says otherwise.
  if (body !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
  return { line, text, method: (method ?? (body !== undefined ? 'POST' : 'GET')).toUpperCase(), target, headers, ...(body !== undefined ? { body } : {}) };
}

/** A command goes on while a quote is open or its line ends with a backslash. */
function continues(command: string): boolean {
  let quote: string | null = null;
  for (const c of command) {
    if (quote === null && (c === "'" || c === '"')) quote = c;
    else if (c === quote) quote = null;
  }
  return quote !== null || command.endsWith('\\');
}

/** Every command starting with `curl -s` inside the file's fenced code blocks, in order. */
export function curlExamples(markdown: string, vars: (name: string) => string): CurlExample[] {
  const lines = markdown.split('\n');
  const examples: CurlExample[] = [];
  let fenced = false;
  for (let i = 0; i < lines.length; i += 1) {
    if (/^\s*```/.test(lines[i]!)) fenced = !fenced;
    if (!fenced || !lines[i]!.startsWith('curl -s')) continue;
    const start = i;
    let command = lines[i]!;
    while (continues(command) && i + 1 < lines.length) command += `\n${lines[++i]}`;
    examples.push(toExample(start + 1, command, words(command, vars)));
  }
  return examples;
}
