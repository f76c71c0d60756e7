/** S3's XML documents, built and parsed with fast-xml-parser (no hand-made XML). */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressBooleanAttributes: false, processEntities: true });

/** `<?xml …?><root xmlns=…>…</root>` of a document whose root element is `root`. */
export function xmlDocument(root: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { '@_xmlns': NAMESPACE, ...body } })}`;
}

/** An error document. */
export function xmlError(code: string, message: string, extra: Record<string, string>, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ Error: { Code: code, Message: message, ...extra, RequestId: requestId } })}`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  isArray: (name) => name === 'Object' || name === 'Part',
});

/** The parsed body of a request (DeleteObjects, CompleteMultipartUpload). */
export function parseXml(text: string): Record<string, unknown> {
  return parser.parse(text) as Record<string, unknown>;
}
