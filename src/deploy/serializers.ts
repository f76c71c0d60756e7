/**
 * How a {@link Predictor} turns data into a request body and a response body into data, like
 * the Python SDK's `sagemaker.serializers` / `sagemaker.deserializers`: JSON, CSV and raw.
 */

/** Request bodies the endpoints accept. */
export type Body = string | Uint8Array;

/** Turns data into a request body of {@link contentType}. */
export interface Serializer {
  readonly contentType: string;
  serialize(data: unknown): Body;
}

/** Turns a response body into data; {@link accept} is what it asks the model for. */
export interface Deserializer<T = unknown> {
  readonly accept: string;
  deserialize(body: Uint8Array, contentType: string | undefined): T;
}

const isBody = (data: unknown): data is Body => typeof data === 'string' || data instanceof Uint8Array;

/** Sends strings and bytes as they are (the SDK's `IdentitySerializer`); the content type is yours to say. */
export class IdentitySerializer implements Serializer {
  constructor(readonly contentType = 'application/octet-stream') {}
  serialize(data: unknown): Body {
    if (!isBody(data)) throw new TypeError('IdentitySerializer sends strings or bytes; use JSONSerializer or CSVSerializer for other data');
    return data;
  }
}

/** JSON: strings and bytes are sent as they are (already JSON), anything else `JSON.stringify`-ed. */
export class JSONSerializer implements Serializer {
  readonly contentType = 'application/json';
  serialize(data: unknown): Body {
    return isBody(data) ? data : JSON.stringify(data);
  }
}

/** CSV: a row (`[1, 2]`) or rows (`[[1, 2], [3, 4]]`) become comma-separated lines; strings and bytes are sent as they are. */
export class CSVSerializer implements Serializer {
  readonly contentType = 'text/csv';
  serialize(data: unknown): Body {
    if (isBody(data)) return data;
    if (!Array.isArray(data)) throw new TypeError('CSVSerializer sends an array (one row) or an array of arrays (rows)');
    const rows = data.every((row) => Array.isArray(row)) ? (data as unknown[][]) : [data];
    return rows.map((row) => row.map((cell) => String(cell)).join(',')).join('\n');
  }
}

/** The body's bytes (the SDK's `BytesDeserializer`, its default). */
export class BytesDeserializer implements Deserializer<Uint8Array> {
  constructor(readonly accept = '*/*') {}
  deserialize(body: Uint8Array): Uint8Array {
    return body;
  }
}

/** The body as UTF-8 text. */
export class StringDeserializer implements Deserializer<string> {
  constructor(readonly accept = '*/*') {}
  deserialize(body: Uint8Array): string {
    return new TextDecoder().decode(body);
  }
}

/** The body parsed as JSON. */
export class JSONDeserializer implements Deserializer<unknown> {
  readonly accept = 'application/json';
  deserialize(body: Uint8Array): unknown {
    return JSON.parse(new TextDecoder().decode(body));
  }
}

/** The body as CSV rows of strings (no quoting rules beyond plain commas, like the SDK's). */
export class CSVDeserializer implements Deserializer<string[][]> {
  readonly accept = 'text/csv';
  deserialize(body: Uint8Array): string[][] {
    return new TextDecoder()
      .decode(body)
      .split(/\r?\n/)
      .filter((line) => line !== '')
      .map((line) => line.split(','));
  }
}
