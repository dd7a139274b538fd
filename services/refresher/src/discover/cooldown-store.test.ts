import { assertOneClaimPerCompany } from './cooldown-store';

describe('assertOneClaimPerCompany', () => {
  const claim = (companyId: string) => ({
    companyId,
    generation: 1,
    cooldownSeconds: 60,
    cooldownElapsed: false,
  });

  it('refuses a batch that names a company twice, which one statement could not decide', () => {
    expect(() => assertOneClaimPerCompany([claim('a'), claim('b'), claim('a')])).toThrow(
      'two cooldown claims for a in one batch',
    );
    expect(() => assertOneClaimPerCompany([claim('a'), claim('b')])).not.toThrow();
  });
});
