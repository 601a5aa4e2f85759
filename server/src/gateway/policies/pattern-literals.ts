/**
 * A cheap necessary condition for a DENY_PATTERN: literal strings one of which every match must
 * contain (`(?i)(internal only|project\s+falcon)` needs "internal only" or "project"). Most
 * requests contain none of them, and a few `indexOf` calls are ~10x cheaper than running the
 * pattern on RE2 (re2js interprets its automaton in JavaScript, ~7 ns a character), so the
 * pattern only runs on texts that pass.
 *
 * Written by hand because no library derives required literals from RE2 syntax (RE2's own
 * "prefilter" is C++ only). It is deliberately conservative: it understands the common subset of
 * the syntax and gives up (no prefilter: the pattern always runs) on anything else, e.g. `\Q…\E`,
 * `\p{…}`, `\x…`, flags other than a leading `(?i)`, or a `{` that is not a repetition. A wrong
 * literal would let a denied text through, so a property test compares it with RE2 on random
 * patterns and texts.
 */

/** Strings a part of a pattern matches exactly (null: too many or unknown), and literals one of which it must contain. */
interface Info {
  exact: ReadonlySet<string> | null;
  needs: ReadonlySet<string> | null;
}

/** Limits that keep the check cheap: at most this many literals, each at most this long. */
const MAX_LITERALS = 16;
const MAX_LITERAL_LENGTH = 32;
/** Shorter literals are found in almost every text: such a prefilter would cost without saving. */
const MIN_USEFUL_LENGTH = 3;

const EMPTY: Info = { exact: new Set(['']), needs: null };
/** One character of a class, `.`, `\d` and the like: no literal. */
const ANY_CHAR: Info = { exact: null, needs: null };

class Unsupported extends Error {}

/** A condition only helps if it cannot be met by the empty string. */
function needsOf(info: Info): ReadonlySet<string> | null {
  const set = info.exact ?? info.needs;
  return set && !set.has('') ? set : null;
}

function shortest(set: ReadonlySet<string>): number {
  let min = Infinity;
  for (const s of set) min = Math.min(min, s.length);
  return min;
}

/** The more selective condition: longer shortest literal, then fewer literals. */
function better(a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): ReadonlySet<string> | null {
  if (!a) return b;
  if (!b) return a;
  const la = shortest(a);
  const lb = shortest(b);
  if (la !== lb) return la > lb ? a : b;
  return a.size <= b.size ? a : b;
}

function cross(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> | null {
  if (a.size * b.size > MAX_LITERALS) return null;
  const out = new Set<string>();
  for (const x of a) {
    for (const y of b) {
      if (x.length + y.length > MAX_LITERAL_LENGTH) return null;
      out.add(x + y);
    }
  }
  return out;
}

function union(sets: readonly (ReadonlySet<string> | null)[]): ReadonlySet<string> | null {
  const out = new Set<string>();
  for (const set of sets) {
    if (!set) return null;
    for (const s of set) out.add(s);
  }
  return out.size <= MAX_LITERALS ? out : null;
}

function concatenation(items: readonly Info[]): Info {
  // Adjacent exact parts join into longer literals; a part that breaks the run ends it, and the
  // most selective of the runs (or of the parts' own conditions) is what every match needs.
  let run: ReadonlySet<string> = EMPTY.exact!;
  let exact = true;
  let needs: ReadonlySet<string> | null = null;
  for (const item of items) {
    const joined = item.exact ? cross(run, item.exact) : null;
    if (joined) {
      run = joined;
      continue;
    }
    exact = false;
    needs = better(needs, needsOf({ exact: run, needs: null }));
    if (item.exact) {
      run = item.exact;
    } else {
      needs = better(needs, needsOf(item));
      run = EMPTY.exact!;
    }
  }
  needs = better(needs, needsOf({ exact: run, needs: null }));
  return { exact: exact ? run : null, needs };
}

function alternation(branches: readonly Info[]): Info {
  if (branches.length === 1) return branches[0];
  return { exact: union(branches.map((b) => b.exact)), needs: union(branches.map(needsOf)) };
}

function repetition(info: Info, min: number, max: number): Info {
  if (min === 1 && max === 1) return info;
  if (min === 0) return { exact: max === 1 && info.exact ? union([info.exact, EMPTY.exact]) : null, needs: null };
  // At least one occurrence: whatever the part needs, the repetition needs too.
  return { exact: null, needs: needsOf(info) };
}

const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07' };
const PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const REPEAT = /\{(\d+)(?:(,)(\d*))?\}/y;
const NAMED_GROUP = /\(\?P?<[A-Za-z0-9_]+>/y;
const FLAG_GROUP = /\(\?([imsU-]*)([):])/y;

class LiteralParser {
  private pos = 0;
  /** A leading `(?i)`: every literal compares case-insensitively (RE2's simple case folding). */
  caseInsensitive = false;

  constructor(private readonly src: string) {}

  parse(): Info {
    FLAG_GROUP.lastIndex = 0;
    const lead = FLAG_GROUP.exec(this.src);
    if (lead && lead[2] === ')' && !lead[1].includes('-')) {
      this.caseInsensitive = lead[1].includes('i');
      this.pos = lead[0].length;
    }
    const info = this.alternation();
    if (this.pos !== this.src.length) throw new Unsupported();
    return info;
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private alternation(): Info {
    const branches = [this.concatenation()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.concatenation());
    }
    return alternation(branches);
  }

  private concatenation(): Info {
    const items: Info[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) items.push(this.repeated(this.atom()));
    return concatenation(items);
  }

  private repeated(atom: Info): Info {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      REPEAT.lastIndex = this.pos;
      const m = REPEAT.exec(this.src);
      // RE2 reads a `{` that is no repetition as a literal: rare enough to give up on.
      if (!m) throw new Unsupported();
      min = Number(m[1]);
      max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    if (this.peek() === '?') this.pos++; // lazy: same language
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?' || next === '{') throw new Unsupported();
    return repetition(atom, min, max);
  }

  private atom(): Info {
    const c = this.src[this.pos];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        this.skipClass();
        return ANY_CHAR;
      case '.':
        this.pos++;
        return ANY_CHAR;
      case '^':
      case '$':
        this.pos++;
        return EMPTY;
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
      case '{':
        throw new Unsupported();
      default: {
        const cp = this.src.codePointAt(this.pos)!;
        const ch = String.fromCodePoint(cp);
        this.pos += ch.length;
        return this.literal(ch);
      }
    }
  }

  private literal(ch: string): Info {
    if (!this.caseInsensitive) return { exact: new Set([ch]), needs: null };
    // Case-insensitive literals are kept to ASCII, whose case variants toLowerCase() handles
    // (plus the two non-ASCII ones RE2 folds to ASCII letters; see literalPrefilter).
    return ch.charCodeAt(0) < 128 ? { exact: new Set([ch.toLowerCase()]), needs: null } : ANY_CHAR;
  }

  private group(): Info {
    if (this.src.startsWith('(?', this.pos)) {
      NAMED_GROUP.lastIndex = this.pos;
      const named = NAMED_GROUP.exec(this.src);
      FLAG_GROUP.lastIndex = this.pos;
      const flags = named ? null : FLAG_GROUP.exec(this.src);
      if (named) this.pos += named[0].length;
      else if (flags && /^[msU]*$/.test(flags[1])) {
        this.pos += flags[0].length;
        if (flags[2] === ')') return EMPTY; // (?s), (?m), (?U) change no literal
      } else throw new Unsupported();
    } else {
      this.pos++;
    }
    const inner = this.alternation();
    if (this.peek() !== ')') throw new Unsupported();
    this.pos++;
    return inner;
  }

  private escape(): Info {
    const c = this.src[this.pos + 1];
    if (c === undefined) throw new Unsupported();
    this.pos += 2;
    if (PUNCTUATION.test(c)) return this.literal(c);
    if (c in CONTROL_ESCAPES) return this.literal(CONTROL_ESCAPES[c]);
    if ('dDsSwW'.includes(c)) return ANY_CHAR;
    if ('bBAz'.includes(c)) return EMPTY;
    throw new Unsupported();
  }

  /** A bracket class matches one character; only its end matters here. */
  private skipClass(): void {
    let i = this.pos + 1;
    if (this.src[i] === '^') i++;
    if (this.src[i] === ']') i++;
    for (;;) {
      const c = this.src[i];
      if (c === undefined) throw new Unsupported();
      if (c === ']') break;
      if (c === '\\') {
        if (this.src[i + 1] === 'Q') throw new Unsupported();
        i += 2;
      } else if (c === '[' && this.src[i + 1] === ':') {
        const end = this.src.indexOf(':]', i + 2);
        if (end < 0) throw new Unsupported();
        i = end + 2;
      } else i++;
    }
    this.pos = i + 1;
  }
}

/** The literals a pattern's every match contains, when the pattern is understood and they are selective. */
export function requiredLiterals(pattern: string): { literals: string[]; caseInsensitive: boolean } | undefined {
  const parser = new LiteralParser(pattern);
  let info: Info;
  try {
    info = parser.parse();
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  const needs = needsOf(info);
  if (!needs || shortest(needs) < MIN_USEFUL_LENGTH) return undefined;
  return { literals: [...needs], caseInsensitive: parser.caseInsensitive };
}

/**
 * A test that is false only for texts the pattern cannot match; undefined when the pattern gives
 * no selective literal. Linear in the text: `includes` (V8's string search) per literal, and for
 * `(?i)` one toLowerCase() first.
 */
export function literalPrefilter(pattern: string): ((text: string) => boolean) | undefined {
  const found = requiredLiterals(pattern);
  if (!found) return undefined;
  const { literals, caseInsensitive } = found;
  if (!caseInsensitive) return (text) => literals.some((l) => text.includes(l));
  // RE2 folds U+212A (Kelvin sign) to k, which toLowerCase() also does, and U+017F (long s) to
  // s, which it does not: a text with a long s is left to the pattern.
  const foldsLongS = literals.some((l) => l.includes('s'));
  return (text) => {
    const lower = text.toLowerCase();
    if (foldsLongS && lower.includes('\u017f')) return true;
    return literals.some((l) => lower.includes(l));
  };
}
