// Integration tests talk to real processes; each waits on conditions with its own
// bounded timeout, and this is the outer bound for any single test.
jest.setTimeout(120_000);
