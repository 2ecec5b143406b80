/**
 * The EC2 Query protocol's response shape: lower-camel-case elements, list members as <item>.
 * A response body is described as plain data and rendered here, so no handler writes markup.
 */
export type XmlValue = string | number | boolean | Date | null | undefined | XmlValue[] | XmlObject;
export interface XmlObject {
  [name: string]: XmlValue;
}

export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const SPECIAL = /[&<>"']/g;
const ANY_SPECIAL = /[&<>"']/;

export function escapeXml(text: string): string {
  // Most values (ids, addresses, states) need nothing: a status read's responses hold
  // thousands of them.
  return ANY_SPECIAL.test(text) ? text.replace(SPECIAL, (c) => ENTITY[c]!) : text;
}

function renderText(value: string | number | boolean | Date): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

/** Children of an element; `undefined`/`null` members are omitted, as AWS omits absent fields. */
export function renderChildren(body: XmlObject): string {
  let out = '';
  for (const [name, value] of Object.entries(body)) out += renderElement(name, value);
  return out;
}

export function renderElement(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value))
    return `<${name}>${value.map((v) => renderElement('item', v)).join('')}</${name}>`;
  if (typeof value === 'object' && !(value instanceof Date))
    return `<${name}>${renderChildren(value)}</${name}>`;
  return `<${name}>${renderText(value)}</${name}>`;
}

export function renderResponse(action: string, requestId: string, body: XmlObject): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response ` +
    `xmlns="${EC2_XMLNS}"><requestId>${escapeXml(requestId)}` +
    `</requestId>${renderChildren(body)}</${action}Response>`
  );
}

export function renderError(code: string, message: string, requestId: string): string {
  return (
    '<?xml version="1.0" ' +
    `encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code>` +
    (`<Message>${escapeXml(message)}</Message></Error></Errors><RequestID>` +
      `${escapeXml(requestId)}</RequestID></Response>`)
  );
}

/** EC2's tagSet: a list of {key, value}. */
export function tagSet(tags: Record<string, string>): XmlObject[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
