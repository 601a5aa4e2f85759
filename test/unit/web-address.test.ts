import { describe, expect, it } from 'vitest';
import { privateAddressKind } from '../../web/src/lib/address.js';

describe('custom-provider address warning', () => {
  it('names loopback, private and link-local literals and localhost', () => {
    expect(privateAddressKind('http://127.0.0.1:11434/v1')).toBe('loopback');
    expect(privateAddressKind('http://localhost:8000/v1')).toBe('loopback');
    expect(privateAddressKind('http://[::1]:8000/v1')).toBe('loopback');
    expect(privateAddressKind('http://10.0.0.5:8000/v1')).toBe('private');
    expect(privateAddressKind('http://172.20.1.1/v1')).toBe('private');
    expect(privateAddressKind('http://192.168.1.10/v1')).toBe('private');
    expect(privateAddressKind('http://[fd00::1]/v1')).toBe('private');
    expect(privateAddressKind('http://169.254.169.254/latest')).toBe('link-local');
  });

  it('stays quiet for public addresses, host names and half-typed URLs', () => {
    expect(privateAddressKind('https://api.example.com/v1')).toBeNull();
    expect(privateAddressKind('http://172.32.0.1/v1')).toBeNull();
    expect(privateAddressKind('http://8.8.8.8/v1')).toBeNull();
    expect(privateAddressKind('http://')).toBeNull();
    expect(privateAddressKind('')).toBeNull();
  });
});
