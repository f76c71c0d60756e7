import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { translatePythonRegex } from '../util/python-regex.js';
import { createMetricParser, finalMetrics, parsePythonFloat } from './metrics.js';

describe('translatePythonRegex', () => {
  it('rewrites named groups and named back-references', () => {
    expect(translatePythonRegex('(?P<v>\\d+) (?P=v)')).toEqual({ source: '(?<v>\\d+) \\k<v>', flags: '' });
  });

  it('turns leading inline flags into RegExp flags', () => {
    expect(translatePythonRegex('(?i)loss=(\\S+)')).toEqual({ source: 'loss=(\\S+)', flags: 'i' });
    expect(translatePythonRegex('(?is)(?m)a.b')).toEqual({ source: 'a.b', flags: 'ims' });
  });

  it('applies verbose mode by dropping whitespace and comments outside classes', () => {
    const { source } = translatePythonRegex('(?x) loss \\ = # the label\n ([0-9.]+) [ ]');
    expect(source).toBe('loss\\ =([0-9.]+)[ ]');
  });

  it('removes comments and translates \\A and \\Z', () => {
    expect(translatePythonRegex('\\Aa(?#note)b\\Z').source).toBe('(?<![\\s\\S])ab(?![\\s\\S])');
  });

  it('escapes a leading ] inside a class and leaves class contents alone', () => {
    const { source } = translatePythonRegex('[]a][^]b][(?P<x>)]');
    expect(source).toBe('[\\]a][^\\]b][(?P<x>)]');
    expect(new RegExp(translatePythonRegex('^[]a]+$').source).test(']a]')).toBe(true);
  });
});

describe('parsePythonFloat', () => {
  it('accepts what float() accepts', () => {
    expect(parsePythonFloat('1e-05')).toBe(1e-5);
    expect(parsePythonFloat(' -3.5 ')).toBe(-3.5);
    expect(parsePythonFloat('.5')).toBe(0.5);
    expect(parsePythonFloat('5.')).toBe(5);
    expect(parsePythonFloat('1_000.25')).toBe(1000.25);
    expect(parsePythonFloat('+2E3')).toBe(2000);
    expect(parsePythonFloat('nan')).toBeNaN();
    expect(parsePythonFloat('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
    expect(parsePythonFloat('inf')).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects what float() rejects', () => {
    for (const text of ['', ' ', '0x10', '1,5', 'abc', '1__0', '_1', '1e', '--1']) {
      expect(parsePythonFloat(text), text).toBeUndefined();
    }
  });
});

describe('createMetricParser', () => {
  it('takes the first capture group of each definition', () => {
    const parser = createMetricParser([
      { Name: 'train:loss', Regex: 'loss=([0-9.e+-]+)' },
      { Name: 'acc', Regex: '(?P<acc>[0-9.]+)% accuracy' },
      { Name: 'lr', Regex: '(?i)LR: (\\S+)' },
    ]);
    const samples = parser.parse('epoch 3 loss=1e-05 lr: 0.001 97.5% accuracy', 'algo-2', 1000);
    expect(samples).toEqual([
      { name: 'train:loss', value: 1e-5, timestamp: 1000, host: 'algo-2' },
      { name: 'acc', value: 97.5, timestamp: 1000, host: 'algo-2' },
      { name: 'lr', value: 0.001, timestamp: 1000, host: 'algo-2' },
    ]);
  });

  it('uses the first match of a line only, and the whole match when there is no group', () => {
    const parser = createMetricParser([
      { Name: 'a', Regex: 'v=(\\d+)' },
      { Name: 'b', Regex: '\\d+\\.\\d+' },
    ]);
    expect(parser.parse('v=1 v=2 x 3.25', 'algo-1', 1).map((s) => [s.name, s.value])).toEqual([
      ['a', 1],
      ['b', 3.25],
    ]);
  });

  it('skips non-numbers, nan and inf, and groups that did not participate', () => {
    const parser = createMetricParser([
      { Name: 'loss', Regex: 'loss: (\\S+)' },
      { Name: 'opt', Regex: 'x(?:=(\\d+))?;' },
    ]);
    expect(parser.parse('loss: nan', 'algo-1', 1)).toEqual([]);
    expect(parser.parse('loss: inf', 'algo-1', 1)).toEqual([]);
    expect(parser.parse('loss: n/a', 'algo-1', 1)).toEqual([]);
    expect(parser.parse('x;', 'algo-1', 1)).toEqual([]);
    expect(parser.parse('x=4;', 'algo-1', 1)).toEqual([{ name: 'opt', value: 4, timestamp: 1, host: 'algo-1' }]);
  });

  it('matches a named back-reference', () => {
    const parser = createMetricParser([{ Name: 'same', Regex: '(?P<n>\\d+)-(?P=n)' }]);
    expect(parser.parse('7-7', 'algo-1', 1)).toHaveLength(1);
    expect(parser.parse('7-8', 'algo-1', 1)).toHaveLength(0);
  });

  it('refuses a regex JavaScript cannot run, naming the metric', () => {
    const attempt = () =>
      createMetricParser([
        { Name: 'ok', Regex: 'a(\\d)' },
        { Name: 'bad', Regex: '(?>a+)b' },
      ]);
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(/MetricDefinitions\[1\]\.Regex: metric "bad" has a regex that cannot be used/);
    expect(() => createMetricParser([{ Name: 'open', Regex: 'loss=(\\d' }])).toThrow(/metric "open"/);
    expect(() => createMetricParser([{ Name: 'empty', Regex: '' }])).toThrow(/metric "empty" needs a regex/);
  });
});

describe('finalMetrics', () => {
  it('keeps the last value of each metric in first-seen order', () => {
    const result = finalMetrics([
      { name: 'loss', value: 3, timestamp: 1000 },
      { name: 'acc', value: 0.5, timestamp: 2000 },
      { name: 'loss', value: 1, timestamp: 3000 },
    ]);
    expect(result).toEqual([
      { MetricName: 'loss', Value: 1, Timestamp: new Date(3000) },
      { MetricName: 'acc', Value: 0.5, Timestamp: new Date(2000) },
    ]);
    expect(finalMetrics([])).toEqual([]);
  });
});
