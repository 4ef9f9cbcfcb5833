/** A shell command printed in a ```sh block of the README, as a shell would read it. */
export interface ReadmeCommand {
  /** 1-based line of the README where the command starts. */
  line: number;
  /** The `##`/`###` heading the block sits under. */
  section: string;
  /** The command: `\` continuations joined, `# …` comments removed, whitespace collapsed at the joins. */
  text: string;
}

/**
 * Every command of the ```sh fenced blocks of a README (```bash and ```shell too). A `#` starting a word
 * outside quotes starts a comment (as in bash); a line ending with `\` goes on with the next one; lines that
 * are only a comment (e.g. `# → {"status":"ok"}`, or a comment continued under the previous one) are no
 * command. Other fences (```ts, tables, inline code) are not read.
 */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  const lines = markdown.split('\n');
  let section = '';
  let inSh = false;
  let inOther = false;
  let pending: { line: number; parts: string[] } | null = null;
  lines.forEach((raw, index) => {
    const fence = /^\s*```\s*([\w-]*)/.exec(raw);
    if (fence) {
      if (inSh || inOther) {
        if (pending)
          throw new Error(`README line ${pending.line}: a "\\" continuation runs out of its block`);
        inSh = inOther = false;
      } else if (['sh', 'bash', 'shell', 'console'].includes(fence[1]!)) inSh = true;
      else inOther = true;
      return;
    }
    if (!inSh) {
      if (!inOther) {
        const heading = /^#{2,3}\s+(.*)$/.exec(raw);
        if (heading) section = heading[1]!.trim();
      }
      return;
    }
    const code = stripComment(raw).trimEnd();
    const continued = code.endsWith('\\');
    const part = (continued ? code.slice(0, -1) : code).trim();
    if (!pending) {
      if (part === '') return;
      pending = { line: index + 1, parts: [] };
    }
    if (part !== '') pending.parts.push(part);
    if (!continued) {
      commands.push({ line: pending.line, section, text: pending.parts.join(' ') });
      pending = null;
    }
  });
  return commands;
}

/** The line without its comment: a `#` at the start of a word, outside single and double quotes. */
export function stripComment(line: string): string {
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '\\') i++;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** How the test runs a command (or why it does not). */
export type CommandKind =
  /** `npx chatlake …`, with optional `VAR=value` prefixes: run once, exit code and output checked. */
  | 'cli'
  /** `cat FILE | npx chatlake …`. */
  | 'pipe-cli'
  /** `VAR=$(npx chatlake …)`: run, and VAR is kept for the commands after it (as in one shell session). */
  | 'assign-cli'
  /** `npx chatlake sql` alone: the interactive prompt, run on a pseudo-terminal. */
  | 'prompt'
  /** `npm start` or `npx chatlake serve …`: a service; started, asked for /health, stopped. */
  | 'service'
  /** `curl …` against the running service. */
  | 'curl'
  /** `npm run SCRIPT` (not in the skip list). */
  | 'npm-run'
  | 'skip'
  | 'unclassified';

/**
 * Commands the test deliberately does not run, each with the reason. The test asserts that every entry (but
 * those marked `mayBeAbsent`) still matches a README command, so the list cannot go stale, and that every other
 * command has a kind.
 */
export const SKIPPED: readonly { pattern: RegExp; reason: string; mayBeAbsent?: true }[] = [
  {
    pattern: /^npm install$/,
    reason: 'installs the project: the test runs in the installed checkout (its node_modules)',
  },
  { pattern: /^npm test$/, reason: 'the whole suite, which contains this test' },
  { pattern: /^bash \.ci\/run$/, reason: 'CI: a fresh npm install, then the whole suite' },
  {
    pattern: /^npx vitest run --project \w+$/,
    reason: 'a part of the whole suite, which contains this test',
  },
  {
    pattern: /^npm run bench:[\w-]+( -- .*)?$/,
    reason: 'benchmarks and their data generator: minutes of generated load',
  },
  // Not printed in the README today; listed so that printing it does not need a change here.
  { pattern: /^npm run format$/, reason: 'rewrites the sources', mayBeAbsent: true },
];

/** The parts of `a && b && …` outside quotes (the README's quick start chains `npm install && npm start`). */
export function andParts(text: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && text.startsWith('&&', i)) {
      parts.push(text.slice(start, i).trim());
      start = i + 2;
      i++;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

export function classify(text: string): { kind: CommandKind; reason?: string } {
  const skip = SKIPPED.find((s) => s.pattern.test(text));
  if (skip) return { kind: 'skip', reason: skip.reason };
  if (/^npm start$/.test(text) || /^npx chatlake serve\b/.test(text)) return { kind: 'service' };
  if (/^npx chatlake sql$/.test(text)) return { kind: 'prompt' };
  if (/^[A-Za-z_]\w*=\$\(npx chatlake [^()]*\)$/.test(text)) return { kind: 'assign-cli' };
  if (/^([A-Za-z_]\w*=\S+\s+)*npx chatlake\b/.test(text)) return { kind: 'cli' };
  if (/^cat \S+ \| npx chatlake\b/.test(text)) return { kind: 'pipe-cli' };
  if (/^curl\s/.test(text)) return { kind: 'curl' };
  if (/^npm run [\w:-]+$/.test(text)) return { kind: 'npm-run' };
  return { kind: 'unclassified' };
}
