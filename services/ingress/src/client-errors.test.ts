import { clientErrorAnswer } from './client-errors';

describe('clientErrorAnswer', () => {
  it.each([
    [{ type: 'entity.too.large', status: 413, limit: 1024 }, 413, 'payload_too_large'],
    [{ type: 'entity.parse.failed', status: 400 }, 400, 'malformed_json'],
    [{ type: 'encoding.unsupported', status: 415 }, 415, 'unsupported_media_type'],
    [{ type: 'charset.unsupported', status: 415 }, 415, 'unsupported_media_type'],
    [{ type: 'request.aborted', status: 400 }, 400, 'bad_request'],
    [Object.assign(new URIError('URI malformed'), { status: 400 }), 400, 'bad_request'],
  ])('%j → %i %s', (error, status, code) => {
    expect(clientErrorAnswer(error)).toMatchObject({ status, body: { error: code } });
  });

  it('names the limit in bytes', () => {
    expect(clientErrorAnswer({ type: 'entity.too.large', limit: 262144 })?.body.message).toBe(
      'the body limit is 262144 bytes',
    );
  });

  it.each([[new Error('boom')], [{ status: 500 }], [{ status: 503 }], [null], ['text']])(
    'leaves %j to the server-error path',
    (error) => {
      expect(clientErrorAnswer(error)).toBeUndefined();
    },
  );
});
