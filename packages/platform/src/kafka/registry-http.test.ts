import { SchemaRegistryError, registryError, replyJson } from './registry-http';

describe('replyJson', () => {
  it('parses a JSON body, and reads an empty or non-JSON one as undefined', () => {
    expect(replyJson('{"id":3}')).toEqual({ id: 3 });
    expect(replyJson('')).toBeUndefined();
    expect(replyJson('<html>bad gateway</html>')).toBeUndefined();
  });
});

describe('registryError', () => {
  const request = { method: 'POST', path: '/subjects/a/versions' };

  it("carries the registry's own message and error code", () => {
    const error = registryError(
      request,
      409,
      JSON.stringify({ error_code: 409, message: 'Schema being registered is incompatible' }),
    );
    expect(error).toBeInstanceOf(SchemaRegistryError);
    expect(error).toMatchObject({
      status: 409,
      errorCode: 409,
      message: 'POST /subjects/a/versions failed with 409: Schema being registered is incompatible',
    });
  });

  it('quotes the first 500 characters of a body that is not the registry JSON', () => {
    const error = registryError(request, 502, 'x'.repeat(600));
    expect(error.message).toBe(`POST /subjects/a/versions failed with 502: ${'x'.repeat(500)}`);
    expect(error.errorCode).toBeUndefined();
  });

  it('ignores an error code that is not a number', () => {
    const error = registryError(request, 404, '{"error_code":"40401","message":"not found"}');
    expect(error.errorCode).toBeUndefined();
    expect(error.message).toBe('POST /subjects/a/versions failed with 404: not found');
  });
});
