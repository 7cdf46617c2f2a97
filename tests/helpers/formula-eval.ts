// Test helper: recomputes the formulas of a workbook as Excel would, for the subset the LKE writer uses.
// Anything outside that subset throws, so a writer that starts using more fails its tests instead of passing by accident.
import type ExcelJS from "exceljs";

/** An Excel error value (#DIV/0!, #VALUE!, …): propagated like Excel does, never thrown. */
export class ExcelError {
  constructor(readonly code: string) {}
  toString(): string {
    return this.code;
  }
}

/** A cell's value: null is a blank cell. */
export type Scalar = number | string | boolean | null | ExcelError;

type Op = "+" | "-" | "*" | "/";
type Cmp = "=" | "<>" | "<" | ">" | "<=" | ">=";

type Node =
  | { kind: "num"; value: number }
  | { kind: "str"; value: string }
  | { kind: "bool"; value: boolean }
  | { kind: "ref"; sheet: string; row: number; col: number }
  | { kind: "range"; sheet: string; r1: number; c1: number; r2: number; c2: number }
  | { kind: "neg"; arg: Node }
  | { kind: "bin"; op: Op; left: Node; right: Node }
  | { kind: "cmp"; op: Cmp; left: Node; right: Node }
  | { kind: "call"; name: string; args: Node[] };

const FUNCTIONS = new Set([
  "IF",
  "IFERROR",
  "TRIM",
  "UPPER",
  "SUBSTITUTE",
  "NUMBERVALUE",
  "ISNUMBER",
  "INT",
  "MIN",
  "MAX",
  "COUNT",
  "SUM",
  "AVERAGE",
  "AND",
  "OR",
  "COUNTIF",
]);

/** Functions Excel added after 2007, stored as `_xlfn.NAME` in a file. */
const FUTURE_FUNCTIONS = new Set(["NUMBERVALUE"]);

export class FormulaSyntaxError extends Error {
  override readonly name = "FormulaSyntaxError";
  constructor(formula: string, at: number, message: string) {
    super(`${message} at ${at} in ${formula}`);
  }
}

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function colLetters(n: number): string {
  let s = "";
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

const CELL = /^\$?([A-Za-z]{1,3})\$?(\d+)/;

/** Recursive descent over the formula text; `sheet` qualifies the references that name no sheet. */
class Parser {
  private pos = 0;
  constructor(
    private readonly src: string,
    private readonly sheet: string,
  ) {}

  parse(): Node {
    const node = this.comparison();
    this.space();
    if (this.pos < this.src.length) this.fail(`unexpected "${this.src[this.pos]}"`);
    return node;
  }

  private fail(message: string): never {
    throw new FormulaSyntaxError(this.src, this.pos, message);
  }

  private space(): void {
    while (this.src[this.pos] === " ") this.pos++;
  }

  private eat(token: string): boolean {
    this.space();
    if (!this.src.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected "${token}"`);
  }

  // Excel precedence, loosest first: comparison, + -, * /, unary minus (which binds tighter than in most languages).
  private comparison(): Node {
    let left = this.additive();
    for (;;) {
      const op = (["<>", "<=", ">=", "=", "<", ">"] as const).find((o) => this.eat(o));
      if (!op) return left;
      left = { kind: "cmp", op, left, right: this.additive() };
    }
  }

  private additive(): Node {
    let left = this.multiplicative();
    for (;;) {
      const op = (["+", "-"] as const).find((o) => this.eat(o));
      if (!op) return left;
      left = { kind: "bin", op, left, right: this.multiplicative() };
    }
  }

  private multiplicative(): Node {
    let left = this.unary();
    for (;;) {
      const op = (["*", "/"] as const).find((o) => this.eat(o));
      if (!op) return left;
      left = { kind: "bin", op, left, right: this.unary() };
    }
  }

  private unary(): Node {
    if (this.eat("-")) return { kind: "neg", arg: this.unary() };
    if (this.eat("+")) return this.unary();
    return this.primary();
  }

  private primary(): Node {
    this.space();
    const rest = this.src.slice(this.pos);
    if (this.eat("(")) {
      const inner = this.comparison();
      this.expect(")");
      return inner;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      return { kind: "num", value: Number(num[0]) };
    }
    if (rest.startsWith('"')) return this.string();
    if (rest.startsWith("'")) return this.reference(this.quotedSheet());
    const fn = /^(_xlfn\.)?([A-Za-z][A-Za-z0-9.]*)\s*\(/.exec(rest);
    if (fn) {
      const name = fn[2]!.toUpperCase();
      if (!FUNCTIONS.has(name)) this.fail(`unsupported function ${name}`);
      // In the file, a function newer than Excel 2007 carries the `_xlfn.` prefix (Excel shows #NAME? without it); older ones do not.
      if (FUTURE_FUNCTIONS.has(name) !== Boolean(fn[1]))
        this.fail(`${name} must be stored ${fn[1] ? "without" : "with"} the _xlfn. prefix`);
      this.pos += fn[0].length;
      const args: Node[] = [];
      if (!this.eat(")")) {
        do args.push(this.comparison());
        while (this.eat(","));
        this.expect(")");
      }
      return { kind: "call", name, args };
    }
    const bool = /^(TRUE|FALSE)(?![A-Za-z0-9_.!(])/i.exec(rest);
    if (bool) {
      this.pos += bool[0].length;
      return { kind: "bool", value: bool[1]!.toUpperCase() === "TRUE" };
    }
    const sheet = /^([A-Za-z_][A-Za-z0-9_.]*)!/.exec(rest);
    if (sheet) {
      this.pos += sheet[0].length;
      return this.reference(sheet[1]!);
    }
    if (CELL.test(rest)) return this.reference(this.sheet);
    return this.fail("unsupported syntax");
  }

  private string(): Node {
    let value = "";
    this.pos++;
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined) this.fail("unterminated string");
      this.pos++;
      if (ch !== '"') value += ch;
      else if (this.src[this.pos] === '"') {
        value += '"';
        this.pos++;
      } else return { kind: "str", value };
    }
  }

  private quotedSheet(): string {
    let name = "";
    this.pos++;
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined) this.fail("unterminated sheet name");
      this.pos++;
      if (ch !== "'") name += ch;
      else if (this.src[this.pos] === "'") {
        name += "'";
        this.pos++;
      } else break;
    }
    this.expect("!");
    return name;
  }

  private cell(): { row: number; col: number } {
    const m = CELL.exec(this.src.slice(this.pos));
    // A cell address glued to more letters or digits ("E12A") is a name, which the subset does not have.
    if (!m || /[A-Za-z0-9_(]/.test(this.src[this.pos + m[0].length] ?? "")) this.fail("expected a cell reference");
    this.pos += m[0].length;
    return { row: Number(m[2]), col: colNumber(m[1]!) };
  }

  private reference(sheet: string): Node {
    const from = this.cell();
    if (this.src[this.pos] !== ":") return { kind: "ref", sheet, ...from };
    this.pos++;
    const to = this.cell();
    return {
      kind: "range",
      sheet,
      r1: Math.min(from.row, to.row),
      c1: Math.min(from.col, to.col),
      r2: Math.max(from.row, to.row),
      c2: Math.max(from.col, to.col),
    };
  }
}

export function parseFormula(formula: string, sheet: string): Node {
  return new Parser(formula.replace(/^=/, ""), sheet).parse();
}

const DIV0 = new ExcelError("#DIV/0!");
const VALUE = new ExcelError("#VALUE!");

function isError(v: unknown): v is ExcelError {
  return v instanceof ExcelError;
}

/** Arithmetic operand: blanks are 0, booleans 1/0, numeric text converts, other text is #VALUE!. */
function toNumber(v: Scalar): number | ExcelError {
  if (v === null) return 0;
  if (typeof v === "number" || isError(v)) return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  const t = v.trim();
  return t !== "" && Number.isFinite(Number(t)) ? Number(t) : VALUE;
}

function toBoolean(v: Scalar): boolean | ExcelError {
  if (v === null) return false;
  if (typeof v === "boolean" || isError(v)) return v;
  if (typeof v === "number") return v !== 0;
  const t = v.toUpperCase();
  return t === "TRUE" ? true : t === "FALSE" ? false : VALUE;
}

/** Excel's text of a value in General format, close enough for codes and small numbers. */
function toText(v: Scalar): string | ExcelError {
  if (v === null) return "";
  if (isError(v)) return v;
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  return String(v);
}

/**
 * NUMBERVALUE(text, decimal, group) as Excel 2013+ and LibreOffice compute it: whitespace anywhere is
 * dropped, group separators before the (first) decimal separator are dropped, a group separator or a
 * second decimal separator after it is #VALUE!, each trailing "%" divides by 100, an exponent is read.
 * An empty text is 0 in Excel but #VALUE! in LibreOffice: the subset refuses it (the writer must guard).
 */
export function numberValue(text: string, decimal = ".", group = ","): number | ExcelError {
  if (decimal.length !== 1 || group.length > 1)
    throw new Error("NUMBERVALUE: separators outside the supported subset (one character each)");
  if (group !== "" && group === decimal) return VALUE;
  let t = text.replace(/[ \t\n\r]/g, "");
  if (t === "") throw new Error('NUMBERVALUE("") differs between Excel (0) and LibreOffice (#VALUE!): guard blanks first');
  let percent = 0;
  while (t.endsWith("%")) {
    t = t.slice(0, -1);
    percent++;
  }
  const at = t.indexOf(decimal);
  let whole = at < 0 ? t : t.slice(0, at);
  const fraction = at < 0 ? "" : t.slice(at + 1);
  if (group !== "") whole = whole.split(group).join("");
  if ((group !== "" && fraction.includes(group)) || fraction.includes(decimal)) return VALUE;
  const normal = at < 0 ? whole : `${whole}.${fraction}`;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(normal)) return VALUE;
  const n = Number(normal) / 100 ** percent;
  return Number.isFinite(n) ? n : VALUE;
}

/**
 * Excel's comparison: a blank takes the other side's type (0, "" or FALSE); values of different types
 * order numbers < text < booleans without conversion; text compares without case.
 */
function compare(a: Scalar, b: Scalar): number | ExcelError {
  if (isError(a)) return a;
  if (isError(b)) return b;
  const blankAs = (other: Scalar): Scalar => (typeof other === "string" ? "" : typeof other === "boolean" ? false : 0);
  const x = a === null ? blankAs(b) : a;
  const y = b === null ? blankAs(a) : b;
  const rank = (v: Scalar) => (typeof v === "number" ? 0 : typeof v === "string" ? 1 : 2);
  if (rank(x) !== rank(y)) return rank(x) - rank(y);
  if (typeof x === "string" && typeof y === "string") {
    const p = x.toLowerCase();
    const q = y.toLowerCase();
    return p < q ? -1 : p > q ? 1 : 0;
  }
  const p = Number(x);
  const q = Number(y);
  return p < q ? -1 : p > q ? 1 : 0;
}

function holds(op: Cmp, c: number): boolean {
  switch (op) {
    case "=":
      return c === 0;
    case "<>":
      return c !== 0;
    case "<":
      return c < 0;
    case ">":
      return c > 0;
    case "<=":
      return c <= 0;
    case ">=":
      return c >= 0;
  }
}

/** A function argument: a reference (cell or range) keeps its cells apart, since the aggregates skip text and blanks there. */
type Arg = { ref: true; cells: Scalar[] } | { ref: false; value: Scalar };

/**
 * Evaluates formula cells of a loaded workbook from their inputs: every referenced formula cell is
 * recomputed (its cached result is never read), each cell once.
 */
export class FormulaEvaluator {
  private readonly memo = new Map<string, Scalar>();
  private readonly active = new Set<string>();

  constructor(private readonly wb: ExcelJS.Workbook) {}

  /** The value of a cell: a constant as stored, a formula recomputed (a formula yielding a blank shows 0, as in Excel). */
  cell(sheet: string, address: string): Scalar {
    const m = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(address);
    if (!m) throw new Error(`not a cell address: ${address}`);
    return this.at(sheet, Number(m[2]), colNumber(m[1]!));
  }

  /** A formula's value with unqualified references on `sheet`. */
  evaluate(formula: string, sheet: string): Scalar {
    return this.eval(parseFormula(formula, sheet));
  }

  private worksheet(name: string): ExcelJS.Worksheet {
    // Excel resolves sheet names without case.
    const ws = this.wb.worksheets.find((w) => w.name.toLowerCase() === name.toLowerCase());
    if (!ws) throw new Error(`no sheet "${name}"`);
    return ws;
  }

  private at(sheet: string, row: number, col: number): Scalar {
    const ws = this.worksheet(sheet);
    const key = `${ws.name}!${colLetters(col)}${row}`;
    if (this.memo.has(key)) return this.memo.get(key)!;
    if (this.active.has(key)) throw new Error(`circular reference through ${key}`);
    this.active.add(key);
    try {
      const value = this.read(ws, row, col, key);
      this.memo.set(key, value);
      return value;
    } finally {
      this.active.delete(key);
    }
  }

  private read(ws: ExcelJS.Worksheet, row: number, col: number, key: string): Scalar {
    const cell = ws.findCell(row, col);
    // ExcelJS shows a merged cell's master value in every cell of the merge; Excel sees only the master.
    if (cell?.isMerged && cell.master.address !== cell.address) return null;
    const v = cell?.value;
    if (v === null || v === undefined) return null;
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
    if (v instanceof Date) throw new Error(`${key}: dates are outside the supported subset`);
    if ("formula" in v || "sharedFormula" in v) {
      const formula = cell!.formula;
      if (!formula) throw new Error(`${key}: formula cell without formula text`);
      const out = this.eval(parseFormula(formula, ws.name));
      return out === null ? 0 : out;
    }
    if ("richText" in v) return v.richText.map((r) => r.text).join("");
    if ("hyperlink" in v) return v.text;
    if ("error" in v) return new ExcelError(v.error);
    throw new Error(`${key}: unsupported cell value ${JSON.stringify(v)}`);
  }

  private eval(node: Node): Scalar {
    switch (node.kind) {
      case "num":
      case "str":
      case "bool":
        return node.value;
      case "ref":
        return this.at(node.sheet, node.row, node.col);
      case "range":
        throw new Error("a range is only supported as a function argument");
      case "neg": {
        const x = toNumber(this.eval(node.arg));
        return isError(x) ? x : -x;
      }
      case "bin": {
        const x = toNumber(this.eval(node.left));
        const y = toNumber(this.eval(node.right));
        if (isError(x)) return x;
        if (isError(y)) return y;
        if (node.op === "+") return x + y;
        if (node.op === "-") return x - y;
        if (node.op === "*") return x * y;
        return y === 0 ? DIV0 : x / y;
      }
      case "cmp": {
        const c = compare(this.eval(node.left), this.eval(node.right));
        return isError(c) ? c : holds(node.op, c);
      }
      case "call":
        return this.call(node.name, node.args);
    }
  }

  private arg(node: Node): Arg {
    if (node.kind === "ref") return { ref: true, cells: [this.eval(node)] };
    if (node.kind === "range") {
      const cells: Scalar[] = [];
      for (let r = node.r1; r <= node.r2; r++) for (let c = node.c1; c <= node.c2; c++) cells.push(this.at(node.sheet, r, c));
      return { ref: true, cells };
    }
    return { ref: false, value: this.eval(node) };
  }

  /**
   * The numbers an aggregate (MIN, MAX, SUM, AVERAGE) sees: in references only numbers (text, booleans
   * and blanks skipped); typed directly, booleans and numeric text convert and other text is #VALUE!.
   */
  private numbers(args: Node[]): number[] | ExcelError {
    const out: number[] = [];
    for (const a of args.map((n) => this.arg(n))) {
      if (a.ref) {
        for (const v of a.cells) {
          if (isError(v)) return v;
          if (typeof v === "number") out.push(v);
        }
      } else {
        const x = toNumber(a.value);
        if (isError(x)) return x;
        out.push(x);
      }
    }
    return out;
  }

  private arity(name: string, args: Node[], min: number, max = min): void {
    if (args.length < min || args.length > max)
      throw new Error(`${name} takes ${min === max ? min : `${min}–${max}`} arguments, got ${args.length}`);
  }

  private call(name: string, args: Node[]): Scalar {
    switch (name) {
      case "IF": {
        this.arity(name, args, 2, 3);
        // Only the chosen branch is evaluated: the writer guards divisions with IF.
        const c = toBoolean(this.eval(args[0]!));
        if (isError(c)) return c;
        if (c) return this.eval(args[1]!);
        return args[2] ? this.eval(args[2]) : false;
      }
      case "IFERROR": {
        this.arity(name, args, 2);
        const v = this.eval(args[0]!);
        return isError(v) ? this.eval(args[1]!) : v;
      }
      case "SUBSTITUTE": {
        this.arity(name, args, 3);
        const [t, from, to] = args.map((a) => toText(this.eval(a))) as [string | ExcelError, string | ExcelError, string | ExcelError];
        if (isError(t)) return t;
        if (isError(from)) return from;
        if (isError(to)) return to;
        // Case-sensitive, every occurrence; an empty text to replace changes nothing.
        return from === "" ? t : t.split(from).join(to);
      }
      case "NUMBERVALUE": {
        this.arity(name, args, 1, 3);
        const v = this.eval(args[0]!);
        if (isError(v) || typeof v === "number") return v;
        const seps = args.slice(1).map((a) => toText(this.eval(a)));
        const bad = seps.find(isError);
        if (bad) return bad;
        // Without separators Excel takes the locale's: the subset asks for both, so the formula reads alike everywhere.
        if (seps.length !== 2) throw new Error("NUMBERVALUE without both separators depends on the locale: outside the supported subset");
        return numberValue(toText(v) as string, seps[0] as string, seps[1] as string);
      }
      case "TRIM": {
        this.arity(name, args, 1);
        const t = toText(this.eval(args[0]!));
        return isError(t) ? t : t.replace(/^ +| +$/g, "").replace(/ {2,}/g, " ");
      }
      case "UPPER": {
        this.arity(name, args, 1);
        const t = toText(this.eval(args[0]!));
        return isError(t) ? t : t.toUpperCase();
      }
      case "INT": {
        this.arity(name, args, 1);
        const x = toNumber(this.eval(args[0]!));
        return isError(x) ? x : Math.floor(x);
      }
      case "ISNUMBER":
        this.arity(name, args, 1);
        return typeof this.eval(args[0]!) === "number";
      case "MIN":
      case "MAX": {
        this.arity(name, args, 1, 255);
        const xs = this.numbers(args);
        if (isError(xs)) return xs;
        if (xs.length === 0) return 0;
        return name === "MIN" ? Math.min(...xs) : Math.max(...xs);
      }
      case "SUM":
      case "AVERAGE": {
        this.arity(name, args, 1, 255);
        const xs = this.numbers(args);
        if (isError(xs)) return xs;
        const sum = xs.reduce((s, x) => s + x, 0);
        if (name === "SUM") return sum;
        return xs.length === 0 ? DIV0 : sum / xs.length;
      }
      case "COUNT": {
        this.arity(name, args, 1, 255);
        let n = 0;
        for (const a of args.map((x) => this.arg(x))) {
          if (a.ref) n += a.cells.filter((v) => typeof v === "number").length;
          else if (!isError(toNumber(a.value)) && a.value !== null) n++;
        }
        return n;
      }
      case "AND":
      case "OR": {
        this.arity(name, args, 1, 255);
        const flags: boolean[] = [];
        for (const a of args.map((x) => this.arg(x))) {
          const values = a.ref ? a.cells.filter((v) => typeof v === "number" || typeof v === "boolean" || isError(v)) : [a.value];
          for (const v of values) {
            const b = toBoolean(v);
            if (isError(b)) return b;
            flags.push(b);
          }
        }
        if (flags.length === 0) return VALUE;
        return name === "AND" ? flags.every(Boolean) : flags.some(Boolean);
      }
      case "COUNTIF": {
        this.arity(name, args, 2);
        const range = this.arg(args[0]!);
        if (!range.ref) throw new Error("COUNTIF needs a range as its first argument");
        const criterion = this.eval(args[1]!);
        if (isError(criterion)) return criterion;
        return range.cells.filter((v) => this.matches(v, criterion)).length;
      }
      default:
        throw new Error(`unsupported function ${name}`);
    }
  }

  /** COUNTIF's exact match; criteria with operators or wildcards are outside the subset. */
  private matches(v: Scalar, criterion: Scalar): boolean {
    if (typeof criterion === "string") {
      if (/^[<>=]|[*?~]/.test(criterion))
        throw new Error(`COUNTIF criterion "${criterion}" is outside the supported subset (exact match only)`);
      if (criterion === "") return v === null || v === "";
      const asNumber = Number(criterion);
      if (criterion.trim() !== "" && Number.isFinite(asNumber) && typeof v === "number") return v === asNumber;
      return typeof v === "string" && v.toLowerCase() === criterion.toLowerCase();
    }
    if (typeof criterion === "number") return typeof v === "number" && v === criterion;
    if (typeof criterion === "boolean") return v === criterion;
    // A blank criterion cell means 0 to COUNTIF.
    return v === 0;
  }
}
