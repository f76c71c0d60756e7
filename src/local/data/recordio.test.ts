import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecord, recordHeader, recordPadding, RECORDIO_MAX_LENGTH } from './recordio.js';

describe('RecordIO', () => {
  it('frames a payload with magic, length and zero padding to 4 bytes', () => {
    const record = encodeRecord(Buffer.from('hello'));
    expect(record.toString('hex')).toBe('0a23d7ce' + '05000000' + Buffer.from('hello').toString('hex') + '000000');
    expect(record.length % 4).toBe(0);
  });

  it('round-trips records of every padding size, including empty ones', () => {
    const payloads = ['', 'a', 'ab', 'abc', 'abcd', 'abcde'].map((s) => Buffer.from(s));
    expect(decodeRecords(Buffer.concat(payloads.map(encodeRecord)))).toEqual(payloads);
  });

  it('joins continued records with the magic number, like dmlc', () => {
    const part = (flag: number, payload: string) => {
      const header = recordHeader(payload.length);
      header.writeUInt32LE(((flag << 29) | payload.length) >>> 0, 4);
      return Buffer.concat([header, Buffer.from(payload), recordPadding(payload.length)]);
    };
    const joined = decodeRecords(Buffer.concat([part(1, 'ab'), part(3, 'cd')]));
    expect(joined[0]!.toString('hex')).toBe(Buffer.from('ab').toString('hex') + '0a23d7ce' + Buffer.from('cd').toString('hex'));
  });

  it('refuses payloads beyond the 29-bit length field', () => {
    expect(() => recordHeader(RECORDIO_MAX_LENGTH + 1)).toThrow(/at most/);
    expect(() => decodeRecords(Buffer.from('not recordio'))).toThrow(/invalid RecordIO/);
  });
});
