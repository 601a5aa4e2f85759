/**
 * Text that may end up in a database row (usage events, attempts) or a log line. PostgreSQL text
 * cannot hold U+0000, and lone UTF-16 surrogates cannot be encoded as UTF-8: one such value used
 * to fail a whole usage batch (audit HIGH-1). Other C0/C1 controls are refused too, as
 * configurations do, since no model id or name legitimately holds one.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `s` holds a control character or a lone surrogate. */
export function hasUnsafeText(s: string): boolean {
  return CONTROL.test(s) || LONE_SURROGATE.test(s);
}

const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]+/g;
const LONE_SURROGATE_ALL = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `s` with control runs folded to one space and lone surrogates replaced by U+FFFD: for text we relay, not refuse. */
export function cleanText(s: string): string {
  return s.replace(CONTROL_ALL, ' ').replace(LONE_SURROGATE_ALL, '\ufffd');
}
