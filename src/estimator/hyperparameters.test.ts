import { describe, expect, it } from 'vitest';
import { encodeHyperparameter, encodeHyperparameters } from './hyperparameters.js';

describe('hyperparameter encoding', () => {
  it('auto: strings verbatim, numbers and booleans with String(), the rest as JSON', () => {
    expect(encodeHyperparameter('adam')).toBe('adam');
    expect(encodeHyperparameter(10)).toBe('10');
    expect(encodeHyperparameter(0.1)).toBe('0.1');
    expect(encodeHyperparameter(1.0)).toBe('1'); // Python str(1.0) is "1.0": documented difference
    expect(encodeHyperparameter(1e-5)).toBe('0.00001'); // Python: "1e-05"
    expect(encodeHyperparameter(true)).toBe('true'); // Python: "True"
    expect(encodeHyperparameter(null)).toBe('null'); // Python: "None"
    expect(encodeHyperparameter({ a: 1, b: [1, 'x'] })).toBe('{"a":1,"b":[1,"x"]}');
    expect(encodeHyperparameter([1, 2])).toBe('[1,2]');
  });
  it('json: every value JSON-encoded, strings quoted', () => {
    expect(encodeHyperparameter('adam', 'json')).toBe('"adam"');
    expect(encodeHyperparameter(3, 'json')).toBe('3');
    expect(encodeHyperparameter(false, 'json')).toBe('false');
  });
  it('keeps insertion order and reports over-long encoded values', () => {
    const { values, issues } = encodeHyperparameters({ z: 1, a: 'x'.repeat(2501) });
    expect(Object.keys(values)).toEqual(['z', 'a']);
    expect(issues.map((i) => i.path)).toEqual(['hyperparameters.a']);
  });
});
