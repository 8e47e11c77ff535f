// A tiny XML writer for the documents we generate (UBL). Elements without content disappear, so
// optional fields can be written unconditionally: Peppol rejects empty elements (PEPPOL-EN16931-R008).

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  content: string | XmlElement[];
}

/** What a parent accepts as a child: null, undefined and false are left out. */
export type XmlChild = XmlElement | null | undefined | false;

/** An element holding others; null when none of them is there. */
export function element(name: string, children: XmlChild[], attributes: Record<string, string> = {}): XmlElement | null {
  const present = children.filter((child): child is XmlElement => Boolean(child));
  return present.length > 0 ? { name, attributes, content: present } : null;
}

/** An element holding a value; null when there is no value (null, undefined or blank). */
export function leaf(name: string, value: string | number | null | undefined, attributes: Record<string, string> = {}): XmlElement | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : { name, attributes, content: text };
}

// XML 1.0 cannot carry most C0 control characters even escaped; a stray one must not break the document.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(value: string): string {
  return value
    .replace(FORBIDDEN_CHARACTERS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function serializeXml(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serializeElement(root, '')}\n`;
}

function serializeElement({ name, attributes, content }: XmlElement, indent: string): string {
  const attributeText = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
  if (typeof content === 'string') return `${indent}<${name}${attributeText}>${escapeXml(content)}</${name}>`;
  const inner = content.map((child) => serializeElement(child, `${indent}  `)).join('\n');
  return `${indent}<${name}${attributeText}>\n${inner}\n${indent}</${name}>`;
}
