import { describe, expect, it } from 'vitest';
import { FAILURE_POLICY, type FailureClass } from '../../server/src/errors/failure-class.js';
import {
  classifyHttpFailure,
  classifyNetworkError,
  classifyVendorError,
  parseRetryAfter,
} from '../../server/src/gateway/classify.js';

function codedError(code: string, message = `boom ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyHttpFailure', () => {
  const cases: Array<[number, string | undefined, string | undefined, string | undefined, FailureClass]> = [
    [401, 'invalid_api_key', 'invalid_request_error', 'Incorrect API key provided', 'credential'],
    [403, undefined, 'permission_error', 'not allowed', 'credential'],
    [429, 'rate_limit_exceeded', 'requests', 'Rate limit reached for requests', 'rate_limit'],
    [429, undefined, 'rate_limit_error', 'This request would exceed the rate limit', 'rate_limit'],
    [429, undefined, 'rate_limit_error', 'Exceeded tokens per minute; add credit to raise your limit', 'rate_limit'],
    [429, 'insufficient_quota', 'insufficient_quota', 'You exceeded your current quota', 'quota'],
    [429, undefined, undefined, 'Monthly billing limit reached', 'quota'],
    [402, undefined, 'billing_error', 'Insufficient balance', 'quota'],
    [400, undefined, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API.', 'quota'],
    [404, 'model_not_found', 'invalid_request_error', 'The model `x` does not exist', 'model_access'],
    [404, undefined, 'not_found_error', 'model: claude-typo', 'model_access'],
    [404, undefined, undefined, 'Not Found', 'caller_fault'],
    [400, 'model_not_found', undefined, 'model not found', 'model_access'],
    [408, undefined, undefined, undefined, 'transient'],
    [409, undefined, undefined, undefined, 'transient'],
    [500, undefined, 'api_error', 'Internal server error', 'transient'],
    [502, undefined, undefined, undefined, 'transient'],
    [503, undefined, undefined, undefined, 'transient'],
    [529, undefined, 'overloaded_error', 'Overloaded', 'transient'],
    [400, 'context_length_exceeded', 'invalid_request_error', "This model's maximum context length is 128000 tokens.", 'caller_fault'],
    [400, undefined, undefined, undefined, 'caller_fault'],
    [413, undefined, 'request_too_large', 'Request exceeds the maximum size', 'caller_fault'],
    [422, undefined, undefined, 'Unprocessable', 'caller_fault'],
  ];
  it.each(cases)('status %i code %s type %s → %s', (status, code, type, message, expected) => {
    expect(classifyHttpFailure(status, code, type, message)).toBe(expected);
  });

  it('classifies a non-error status by the vendor code (in-band stream errors)', () => {
    expect(classifyHttpFailure(200, undefined, 'overloaded_error')).toBe('transient');
    expect(classifyHttpFailure(200, 'rate_limit_exceeded')).toBe('rate_limit');
    expect(classifyHttpFailure(200)).toBe('unknown');
  });
});

describe('classifyVendorError', () => {
  it('maps Anthropic and OpenAI error types', () => {
    expect(classifyVendorError(undefined, 'overloaded_error')).toBe('transient');
    expect(classifyVendorError('server_error', 'error')).toBe('transient');
    expect(classifyVendorError(undefined, 'authentication_error')).toBe('credential');
    expect(classifyVendorError('insufficient_quota')).toBe('quota');
    expect(classifyVendorError(undefined, 'invalid_request_error')).toBe('caller_fault');
    expect(classifyVendorError('something_new')).toBe('unknown');
  });
});

describe('classifyNetworkError', () => {
  it.each([
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_SOCKET',
    'ECONNRESET',
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
  ])('%s is transient with a fixed message', (code) => {
    const failure = classifyNetworkError(codedError(code, `connect ${code} https://x.example/v1?key=sk-secret12345678`));
    expect(failure.failureClass).toBe('transient');
    expect(failure.vendorCode).toBe(code);
    expect(failure.message).not.toContain('sk-secret');
    expect(failure.message).not.toContain('x.example');
  });

  it('finds the undici code behind fetch\'s "fetch failed" TypeError', () => {
    const err = new TypeError('fetch failed', { cause: codedError('ECONNREFUSED') });
    expect(classifyNetworkError(err)).toMatchObject({ failureClass: 'transient', vendorCode: 'ECONNREFUSED' });
  });

  it('treats AbortError and TimeoutError as transient', () => {
    expect(classifyNetworkError(new DOMException('The operation timed out.', 'TimeoutError')).failureClass).toBe('transient');
    expect(classifyNetworkError(new DOMException('This operation was aborted', 'AbortError')).failureClass).toBe('transient');
  });

  it('an answer past the size limit is the request\'s fault (no failover, no circuit), naming the limit only', () => {
    const tooLarge = Object.assign(new Error('upstream response body exceeds 65536 bytes'), { code: 'RESPONSE_TOO_LARGE', limit: 65536 });
    expect(classifyNetworkError(tooLarge)).toEqual({
      failureClass: 'caller_fault',
      vendorCode: 'RESPONSE_TOO_LARGE',
      message: "The provider's answer exceeded the response size limit of 65536 bytes.",
    });
    expect(classifyNetworkError(codedError('UND_ERR_RESPONSE_EXCEEDED_MAX_SIZE', 'x'))).toEqual({
      failureClass: 'caller_fault',
      vendorCode: 'RESPONSE_TOO_LARGE',
      message: "The provider's answer exceeded the response size limit.",
    });
  });

  it('passes the egress guard message through as a connection failure that fails over', () => {
    const failure = classifyNetworkError(codedError('EGRESS_BLOCKED', 'Custom provider address 10.0.0.5 is not allowed.'));
    expect(failure).toEqual({
      failureClass: 'transient',
      vendorCode: 'EGRESS_BLOCKED',
      message: 'Custom provider address 10.0.0.5 is not allowed.',
    });
  });

  it('never echoes an unknown error\'s message', () => {
    const failure = classifyNetworkError(new Error('https://user:pass@host/v1 exploded'));
    expect(failure.failureClass).toBe('unknown');
    expect(failure.message).toBe('The provider request failed.');
    expect(classifyNetworkError('weird').failureClass).toBe('unknown');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(parseRetryAfter({ 'retry-after': '20' })).toBe(20);
    expect(parseRetryAfter({ 'retry-after': '1.5' })).toBe(2);
    expect(parseRetryAfter({ 'retry-after-ms': '2500', 'retry-after': '9' })).toBe(3);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, now)).toBe(30);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }, now)).toBe(0);
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }))).toBe(7);
    expect(parseRetryAfter({ 'retry-after': ['4', '5'] })).toBe(4);
  });

  it('returns undefined when absent or unreadable', () => {
    expect(parseRetryAfter({})).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '-3' })).toBeUndefined();
  });
});

describe('FAILURE_POLICY', () => {
  it('fails over on everything but caller faults', () => {
    const all: FailureClass[] = ['credential', 'rate_limit', 'quota', 'model_access', 'transient', 'unknown'];
    for (const c of all) expect(FAILURE_POLICY[c].failOver).toBe(true);
    expect(FAILURE_POLICY.caller_fault.failOver).toBe(false);
  });

  it('counts only "this credential is unwell" classes toward the circuit breaker', () => {
    const unwell: FailureClass[] = ['credential', 'rate_limit', 'quota', 'transient', 'unknown'];
    for (const c of unwell) expect(FAILURE_POLICY[c].opensCircuit).toBe(true);
    expect(FAILURE_POLICY.model_access.opensCircuit).toBe(false);
    expect(FAILURE_POLICY.caller_fault.opensCircuit).toBe(false);
  });
});
