/**
 * RecordIO framing for Pipe mode with `RecordWrapperType: RecordIO`: SageMaker wraps each object
 * in one record. The framing is MXNet/dmlc RecordIO as the SageMaker Python SDK writes it
 * (`sagemaker.amazon.common._write_recordio`): a little-endian uint32 magic `0xced7230a`, a
 * little-endian uint32 whose low 29 bits are the length and whose top 3 bits are the
 * continuation flag (0 = a whole record), the bytes, then zero padding to a multiple of 4.
 * Like that writer, sagekit does not split records at embedded magic numbers, so a record is
 * limited to 2^29 - 1 bytes.
 */

/** RecordIO magic number. */
export const RECORDIO_MAGIC = 0xced7230a;

/** Largest payload one record can carry (29-bit length field). */
export const RECORDIO_MAX_LENGTH = 2 ** 29 - 1;

/** The 8-byte header of a whole (non-continued) record of `length` bytes. */
export function recordHeader(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > RECORDIO_MAX_LENGTH) {
    throw new RangeError(`a RecordIO record holds at most ${RECORDIO_MAX_LENGTH} bytes, got ${length}`);
  }
  const header = Buffer.alloc(8);
  header.writeUInt32LE(RECORDIO_MAGIC, 0);
  header.writeUInt32LE(length, 4); // continuation flag 0 in the top 3 bits
  return header;
}

/** Zero bytes that pad a `length`-byte payload to a 4-byte boundary. */
export function recordPadding(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

/** One whole record (header, payload, padding). */
export function encodeRecord(payload: Buffer): Buffer {
  return Buffer.concat([recordHeader(payload.length), payload, recordPadding(payload.length)]);
}

/** Splits a RecordIO stream into payloads (joins continued records the way dmlc does). */
export function decodeRecords(data: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let offset = 0;
  let parts: Buffer[] = [];
  while (offset < data.length) {
    if (data.length - offset < 8 || data.readUInt32LE(offset) !== RECORDIO_MAGIC) {
      throw new Error(`invalid RecordIO data at byte ${offset}`);
    }
    const word = data.readUInt32LE(offset + 4);
    const flag = word >>> 29;
    const length = word & RECORDIO_MAX_LENGTH;
    const start = offset + 8;
    if (start + length > data.length) throw new Error(`truncated RecordIO record at byte ${offset}`);
    parts.push(data.subarray(start, start + length));
    offset = start + length + recordPadding(length).length;
    if (flag === 0 || flag === 3) {
      records.push(Buffer.concat(parts));
      parts = [];
    } else {
      const magic = Buffer.alloc(4);
      magic.writeUInt32LE(RECORDIO_MAGIC, 0);
      parts.push(magic);
    }
  }
  if (parts.length > 0) throw new Error('RecordIO data ends inside a continued record');
  return records;
}
