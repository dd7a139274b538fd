import { chaosSettings } from './settings';

describe('chaosSettings', () => {
  it("defaults to the local stack's ports and the repository's .stack", () => {
    const settings = chaosSettings({}, '/repo');
    expect(settings).toMatchObject({
      stackDir: '/repo/.stack',
      providerUrl: 'http://127.0.0.1:58104',
      servicePorts: { ingress: 58100, refresher: 58101, enricher: 58102, sink: 58103 },
      webhookSourcesFile: '/repo/deploy/local/webhook-sources.json',
    });
    expect(settings.endpoints.ingressUrl).toBe('http://127.0.0.1:58100');
  });

  it('follows the ports and the stack directory the launcher was given', () => {
    const settings = chaosSettings(
      {
        BGS_STACK_DIR: '/tmp/other-stack',
        BGS_PROVIDER_PORT: '61104',
        BGS_SINK_PORT: '61103',
        BGS_INGRESS_PORT: '61100',
      },
      '/repo',
    );
    expect(settings.stackDir).toBe('/tmp/other-stack');
    expect(settings.providerUrl).toBe('http://127.0.0.1:61104');
    expect(settings.servicePorts).toEqual({
      ingress: 61100,
      refresher: 58101,
      enricher: 58102,
      sink: 61103,
    });
    expect(settings.endpoints.ingressUrl).toBe('http://127.0.0.1:61100');
  });
});
