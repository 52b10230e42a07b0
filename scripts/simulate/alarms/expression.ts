/**
 * The part of CloudWatch's metric math that the stack's alarms use: metric ids, numbers, `+`, `-`,
 * parentheses and `FILL(series, number)`. A small recursive-descent parser rather than string
 * matching, so `FILL(a, 0) + FILL(b, 0) - FILL(c, 0)` and any reordering of it read the same; every
 * other function (or operator) is refused by name, so an alarm the simulation cannot evaluate
 * faithfully fails loudly instead of being evaluated wrongly.
 *
 * Semantics per period (CloudWatch "Using metric math", FILL and arithmetic on time series): a
 * metric id is that period's value or missing; `a + b` / `a - b` is missing when either side is
 * missing (a sum with a missing term has no value); `FILL(m, v)` is m's value, or v when m has none.
 */
import { ValidationError } from '../../../lib/errors';

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'ref'; id: string }
  | { kind: 'fill'; series: Expr; value: number }
  | { kind: 'binary'; op: '+' | '-'; left: Expr; right: Expr }
  | { kind: 'negate'; operand: Expr };

type Token = { kind: 'number'; value: number } | { kind: 'ident'; name: string } | { kind: 'punct'; char: string };

/** Functions of CloudWatch metric math the evaluator knows of but does not evaluate (named in the refusal). */
const SUPPORTED_FUNCTIONS = ['FILL'];
/** Operators of metric math (arithmetic, comparison, logical) that the evaluator refuses by name. */
const OTHER_OPERATORS = '*/^<>=!&|';
const unsupportedOperator = (char: string, field: string, text: string): ValidationError =>
  new ValidationError(field, `operator "${char}" in "${text}" is not supported (only +, -, numbers, ids and FILL)`);

function tokenize(text: string, field: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) throw new ValidationError(field, `bad number at ${i} in "${text}"`);
      tokens.push({ kind: 'number', value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', name: m[0] });
      i += m[0].length;
    } else if ('+-(),'.includes(c) || OTHER_OPERATORS.includes(c)) {
      tokens.push({ kind: 'punct', char: c });
      i++;
    } else {
      throw new ValidationError(field, `character "${c}" at ${i} in "${text}" is not metric math`);
    }
  }
  return tokens;
}

/** Parses a metric math expression; `field` names it in errors (e.g. `CheckFailingAlarm.Metrics[0].Expression`). */
export function parseExpression(text: string, field = 'Expression'): Expr {
  const tokens = tokenize(text, field);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isPunct = (t: Token | undefined, char: string): boolean => t?.kind === 'punct' && t.char === char;
  const expectPunct = (char: string): void => {
    if (!isPunct(peek(), char)) throw new ValidationError(field, `expected "${char}" in "${text}"`);
    pos++;
  };

  // sum := term (('+' | '-') term)*
  const sum = (): Expr => {
    let left = term();
    for (let t = peek(); t?.kind === 'punct'; t = peek()) {
      if (OTHER_OPERATORS.includes(t.char)) throw unsupportedOperator(t.char, field, text);
      if (t.char !== '+' && t.char !== '-') break;
      pos++;
      left = { kind: 'binary', op: t.char, left, right: term() };
    }
    return left;
  };
  // term := '-' term | number | id | FILL '(' sum ',' ['-'] number ')' | '(' sum ')'
  const term = (): Expr => {
    const t = peek();
    if (!t) throw new ValidationError(field, `unexpected end of "${text}"`);
    pos++;
    if (t.kind === 'number') return { kind: 'number', value: t.value };
    if (isPunct(t, '-')) return { kind: 'negate', operand: term() };
    if (isPunct(t, '(')) {
      const inner = sum();
      expectPunct(')');
      return inner;
    }
    if (t.kind === 'ident') {
      if (!isPunct(peek(), '(')) return { kind: 'ref', id: t.name };
      if (t.name.toUpperCase() !== 'FILL') {
        throw new ValidationError(
          field,
          `function ${t.name} is not supported by the alarm evaluator (only ${SUPPORTED_FUNCTIONS.join(', ')})`,
        );
      }
      pos++;
      const series = sum();
      expectPunct(',');
      let sign = 1;
      if (isPunct(peek(), '-')) {
        sign = -1;
        pos++;
      }
      const value = peek();
      // FILL also takes REPEAT, LINEAR or another series: not used by the stack, refused by name.
      if (value?.kind !== 'number') {
        const what = value?.kind === 'ident' ? value.name : 'a non-number';
        throw new ValidationError(field, `FILL with ${what} is not supported (only FILL(series, number))`);
      }
      pos++;
      expectPunct(')');
      return { kind: 'fill', series, value: sign * value.value };
    }
    if (OTHER_OPERATORS.includes(t.char)) throw unsupportedOperator(t.char, field, text);
    throw new ValidationError(field, `unexpected "${t.char}" in "${text}"`);
  };

  const expr = sum();
  if (pos !== tokens.length) throw new ValidationError(field, `unexpected text after position ${pos} token in "${text}"`);
  return expr;
}

/** The metric (or expression) ids an expression reads. */
export function referencedIds(expr: Expr): string[] {
  switch (expr.kind) {
    case 'number':
      return [];
    case 'ref':
      return [expr.id];
    case 'fill':
      return referencedIds(expr.series);
    case 'negate':
      return referencedIds(expr.operand);
    case 'binary':
      return [...referencedIds(expr.left), ...referencedIds(expr.right)];
  }
}

/** One period's value; `valueOf(id)` is undefined for a period the series has no datapoint in. */
export function evaluateExpression(expr: Expr, valueOf: (id: string) => number | undefined): number | undefined {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'ref':
      return valueOf(expr.id);
    case 'fill':
      return evaluateExpression(expr.series, valueOf) ?? expr.value;
    case 'negate': {
      const v = evaluateExpression(expr.operand, valueOf);
      return v === undefined ? undefined : -v;
    }
    case 'binary': {
      const l = evaluateExpression(expr.left, valueOf);
      const r = evaluateExpression(expr.right, valueOf);
      if (l === undefined || r === undefined) return undefined;
      return expr.op === '+' ? l + r : l - r;
    }
  }
}
