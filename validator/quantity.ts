const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
// Each part of the number is matched one way only (`\d+(?:\.\d*)?`, not `\d+\.?\d*`): a
// pattern that can split a run of digits in several ways backtracks in quadratic time.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E)?)$/;

/**
 * Parses a Kubernetes resource quantity (`250m`, `0.5`, `64Mi`, `1G`, `1e3`) to a plain number
 * (cores for CPU, bytes for memory). Returns undefined when the text is not a quantity.
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const [, number, binary, exponent, decimal] = match;
  const base = parseFloat(number);
  if (binary) return base * BINARY[binary];
  if (exponent) return base * 10 ** parseInt(exponent.slice(1), 10);
  return base * DECIMAL[decimal ?? ''];
}
