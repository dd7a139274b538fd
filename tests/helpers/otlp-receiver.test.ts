import { spansOfOtlpJson, traceProblems, type ReceivedSpan } from './otlp-receiver';

const T = 'a'.repeat(32);

describe('spansOfOtlpJson', () => {
  it('flattens an OTLP/JSON export request, with the service of each resource', () => {
    const body = {
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'ingress' } },
              { key: 'process.pid', value: { intValue: '42' } },
            ],
          },
          scopeSpans: [
            {
              scope: { name: 'buyergroup-stream' },
              spans: [
                {
                  traceId: T,
                  spanId: '1'.repeat(16),
                  parentSpanId: '',
                  name: 'POST /webhooks/:source',
                  kind: 2,
                  attributes: [
                    { key: 'http.response.status_code', value: { intValue: 202 } },
                    { key: 'ok', value: { boolValue: true } },
                    { key: 'list', value: { arrayValue: { values: [{ stringValue: 'x' }] } } },
                  ],
                  links: [{ traceId: T, spanId: '2'.repeat(16), attributes: [] }],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(spansOfOtlpJson(body)).toEqual([
      {
        service: 'ingress',
        traceId: T,
        spanId: '1'.repeat(16),
        parentSpanId: undefined,
        name: 'POST /webhooks/:source',
        kind: 2,
        attributes: { 'http.response.status_code': 202, ok: true, list: ['x'] },
        links: [{ traceId: T, spanId: '2'.repeat(16) }],
      },
    ]);
  });

  it('reads an empty request as no spans', () => {
    expect(spansOfOtlpJson({})).toEqual([]);
  });
});

const span = (spanId: string, parentSpanId?: string, links: string[] = []): ReceivedSpan => ({
  service: 's',
  traceId: T,
  spanId,
  parentSpanId,
  name: `span ${spanId}`,
  kind: 0,
  attributes: {},
  links: links.map((id) => ({ traceId: T, spanId: id })),
});

describe('traceProblems', () => {
  it('accepts one root with every parent in the trace', () => {
    expect(traceProblems([span('r'), span('a', 'r'), span('b', 'a')])).toEqual([]);
  });

  it('accepts a span whose parent is elsewhere when it links to a span of the trace', () => {
    expect(traceProblems([span('r'), span('a', 'elsewhere', ['r'])])).toEqual([]);
  });

  it('names a span whose parent is missing, two roots, and spans of two traces', () => {
    expect(traceProblems([span('r'), span('a', 'gone')])).toEqual([
      's/span a: parent gone is not in the trace',
    ]);
    expect(traceProblems([span('r'), span('q')])).toEqual(['2 roots: s/span r, s/span q']);
    expect(traceProblems([span('r'), { ...span('a', 'r'), traceId: 'b'.repeat(32) }])).toEqual([
      'spans of 2 traces, not one',
    ]);
  });
});
